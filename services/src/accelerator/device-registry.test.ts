import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HEALTHY, UNHEALTHY } from './device-plugin-proto.ts';
import { DeviceRegistry, GONE_REASON, type PluginDevice } from './device-registry.ts';

const dev = (id: string) => ({ id, path: `/dev/${id}` });
const ok = new Map();

describe('the device registry', () => {
  it('tells listeners once per change, with the whole sorted list, and not when nothing changed', () => {
    const registry = new DeviceRegistry();
    const heard: (readonly PluginDevice[])[] = [];
    const unsubscribe = registry.subscribe((list) => heard.push(list));
    registry.update([dev('a10'), dev('a2')], ok);
    registry.update([dev('a2'), dev('a10')], ok);
    assert.equal(heard.length, 1, 'the second scan changed nothing');
    assert.deepEqual(
      heard[0]?.map((d) => d.id),
      ['a2', 'a10'],
    );
    unsubscribe();
    registry.update([dev('a2')], ok);
    assert.equal(heard.length, 1, 'unsubscribed');
  });

  it('keeps a device that went away as Unhealthy, and heals it when it is back', () => {
    const registry = new DeviceRegistry();
    registry.update([dev('a0'), dev('a1')], ok);
    const changes = registry.update([dev('a0')], ok);
    assert.deepEqual(changes, [{ id: 'a1', from: HEALTHY, to: UNHEALTHY, reason: GONE_REASON }]);
    assert.deepEqual(registry.get('a1'), {
      id: 'a1',
      path: '/dev/a1',
      health: UNHEALTHY,
      reason: GONE_REASON,
    });
    assert.equal(registry.healthyCount(), 1);
    assert.deepEqual(registry.update([dev('a0'), dev('a1')], ok), [
      { id: 'a1', from: UNHEALTHY, to: HEALTHY },
    ]);
    assert.equal(registry.healthyCount(), 2);
  });

  it('applies probe verdicts to present devices', () => {
    const registry = new DeviceRegistry();
    const changes = registry.update(
      [dev('a0'), dev('a1')],
      new Map([['a1', { healthy: false, reason: 'engine stuck' }]]),
    );
    assert.deepEqual(changes, [
      { id: 'a0', to: HEALTHY },
      { id: 'a1', to: UNHEALTHY, reason: 'engine stuck' },
    ]);
  });

  it('forgets the longest-gone devices past its bound', () => {
    const registry = new DeviceRegistry(3);
    registry.update([dev('a0'), dev('a1'), dev('a2')], ok);
    registry.update([dev('a2')], ok); // a0 and a1 gone, in that order
    registry.update([dev('a2'), dev('a3')], ok);
    assert.deepEqual(
      registry.devices().map((d) => `${d.id}:${d.health}`),
      ['a1:Unhealthy', 'a2:Healthy', 'a3:Healthy'],
    );
  });
});
