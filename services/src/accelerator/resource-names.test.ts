import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ACCELERATOR_RESOURCE } from '@smart-fleet/model';
import { checkResourceName, deviceIdsEnv, pluginSocketName, ResourceNameError } from './resource-names.ts';

describe('resource names', () => {
  it('derives the socket file and the ids variable from the resource', () => {
    assert.equal(pluginSocketName(ACCELERATOR_RESOURCE), 'smartfleet-stream-accelerator.sock');
    assert.equal(deviceIdsEnv(ACCELERATOR_RESOURCE), 'SMARTFLEET_STREAM_ACCELERATOR_IDS');
    assert.equal(pluginSocketName('example.com/My_Card.v2'), 'example-my-card-v2.sock');
    assert.equal(deviceIdsEnv('example.com/My_Card.v2'), 'EXAMPLE_MY_CARD_V2_IDS');
  });

  for (const bad of [
    'stream-accelerator',
    'smartfleet.io/',
    '/x',
    'Smartfleet.io/x',
    'kubernetes.io/x',
    'a.kubernetes.io/x',
    `a.io/${'x'.repeat(64)}`,
  ]) {
    it(`refuses ${JSON.stringify(bad)}`, () => {
      assert.throws(() => checkResourceName(bad), ResourceNameError);
    });
  }
});
