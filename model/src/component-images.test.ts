import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { COMPONENT_IMAGES, DEFAULT_IMAGE_TAG, imageFor } from './component-images.ts';

describe('component images', () => {
  it('are tagged with the project version', () => {
    const root = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
    assert.equal(DEFAULT_IMAGE_TAG, root.version);
  });

  it('have one distinct name each, as a registry reference', () => {
    const names = Object.values(COMPONENT_IMAGES);
    assert.equal(new Set(names).size, names.length);
    assert.equal(
      imageFor('streamingEdge', { registry: 'r.example', tag: '9' }),
      'r.example/smart-fleet-streaming-edge:9',
    );
  });
});
