import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { type ServiceError, status } from '@grpc/grpc-js';
import { jsonLogger, waitFor } from '@smart-fleet/kube';
import { ACCELERATOR_RESOURCE } from '@smart-fleet/model';
import { AcceleratorPlugin, type AcceleratorPluginOptions } from './accelerator-plugin.ts';
import { callUnary, type Device, HEALTHY, UNHEALTHY } from './device-plugin-proto.ts';
import { FakeKubelet } from './fake-kubelet.ts';
import { socketIdentity } from './socket-identity.ts';

const DEADLINE_MS = 5000;

interface World {
  root: string;
  plugins: string;
  dev: string;
  logs: { msg: string; [k: string]: unknown }[];
  kubelet?: FakeKubelet;
  plugin?: AcceleratorPlugin;
}

let world: World;

beforeEach(() => {
  // Short paths: a unix socket path must fit in 107 bytes.
  const root = mkdtempSync(join(tmpdir(), 'accel-'));
  const plugins = join(root, 'plugins');
  const dev = join(root, 'dev');
  mkdirSync(plugins);
  mkdirSync(dev);
  world = { root, plugins, dev, logs: [] };
});

afterEach(async () => {
  await world.plugin?.stop();
  await world.kubelet?.stop();
  rmSync(world.root, { recursive: true, force: true });
});

function addDevices(...names: string[]): void {
  for (const name of names) {
    writeFileSync(join(world.dev, name), '');
  }
}

async function startPlugin(extra: Partial<AcceleratorPluginOptions> = {}): Promise<AcceleratorPlugin> {
  world.plugin = await AcceleratorPlugin.start({
    devicePluginsDir: world.plugins,
    patterns: [join(world.dev, 'smart-accel[0-9]*')],
    allowRegularFiles: true,
    rescanSeconds: 0.2,
    kubelet: { pollMs: 100, backoff: { initialMs: 50, maxMs: 200 } },
    log: jsonLogger({}, (line) => world.logs.push(JSON.parse(line))),
    ...extra,
  });
  return world.plugin;
}

const byId = (devices: Device[]) => Object.fromEntries(devices.map((d) => [d.ID, d.health]));

describe('the accelerator plugin with a kubelet', () => {
  it('registers with the API version, its socket name and the resource, then lists the devices', async () => {
    addDevices('smart-accel0', 'smart-accel1', 'smart-accel10', 'smart-accel2', 'other0');
    world.kubelet = await FakeKubelet.start(world.plugins);
    const plugin = await startPlugin();

    const request = await world.kubelet.waitForRegistrations(1);
    assert.equal(request.version, 'v1beta1');
    assert.equal(request.endpoint, 'smartfleet-stream-accelerator.sock', 'relative to the directory');
    assert.equal(request.resource_name, ACCELERATOR_RESOURCE);
    assert.deepEqual(request.options, {
      pre_start_required: false,
      get_preferred_allocation_available: true,
    });
    assert.ok(existsSync(join(world.plugins, request.endpoint)));

    const devices = await world.kubelet.waitForList('four devices', (d) => d.length === 4);
    assert.deepEqual(
      devices.map((d) => d.ID),
      ['smart-accel0', 'smart-accel1', 'smart-accel2', 'smart-accel10'],
      'only names the pattern matches, in natural order',
    );
    assert.ok(devices.every((d) => d.health === HEALTHY));
    assert.deepEqual(world.kubelet.options[0], {
      pre_start_required: false,
      get_preferred_allocation_available: true,
    });
    assert.equal(plugin.healthyCount(), 4);
    assert.equal(plugin.kubeletState, 'registered');
  });

  it('reports a removed device as Unhealthy and a new one as Healthy through ListAndWatch', async () => {
    addDevices('smart-accel0', 'smart-accel1');
    world.kubelet = await FakeKubelet.start(world.plugins);
    const plugin = await startPlugin();
    await world.kubelet.waitForList(
      'two healthy',
      (d) => d.length === 2 && d.every((x) => x.health === HEALTHY),
    );

    rmSync(join(world.dev, 'smart-accel1'));
    const afterRemoval = await world.kubelet.waitForList('smart-accel1 unhealthy', (d) =>
      d.some((x) => x.ID === 'smart-accel1' && x.health === UNHEALTHY),
    );
    assert.deepEqual(byId(afterRemoval), { 'smart-accel0': HEALTHY, 'smart-accel1': UNHEALTHY });
    assert.equal(plugin.healthyCount(), 1);
    assert.equal(
      plugin.status().devices.find((d) => d.id === 'smart-accel1')?.reason,
      'the device node is gone',
    );

    addDevices('smart-accel1', 'smart-accel3');
    const afterReturn = await world.kubelet.waitForList(
      'three healthy',
      (d) => d.length === 3 && !d.some((x) => x.health !== HEALTHY),
    );
    assert.deepEqual(byId(afterReturn), {
      'smart-accel0': HEALTHY,
      'smart-accel1': HEALTHY,
      'smart-accel3': HEALTHY,
    });
    assert.ok(world.logs.some((l) => l.msg === 'device health changed' && l.id === 'smart-accel1'));
  });

  it('marks a device whose health probe fails Unhealthy, and Healthy again when it passes', async () => {
    addDevices('smart-accel0', 'smart-accel1');
    const failing = new Set<string>();
    world.kubelet = await FakeKubelet.start(world.plugins);
    const plugin = await startPlugin({
      healthProbe: async (device) =>
        failing.has(device.id)
          ? { healthy: false, reason: 'stream engine does not answer' }
          : { healthy: true },
    });
    await world.kubelet.waitForList(
      'two healthy',
      (d) => d.length === 2 && d.every((x) => x.health === HEALTHY),
    );

    failing.add('smart-accel0');
    await plugin.rescan();
    const listed = await world.kubelet.waitForList('smart-accel0 unhealthy', (d) =>
      d.some((x) => x.ID === 'smart-accel0' && x.health === UNHEALTHY),
    );
    assert.deepEqual(byId(listed), { 'smart-accel0': UNHEALTHY, 'smart-accel1': HEALTHY });
    assert.deepEqual(plugin.status().devices[0], {
      id: 'smart-accel0',
      health: UNHEALTHY,
      reason: 'stream engine does not answer',
    });

    failing.clear();
    await world.kubelet.waitForList('both healthy again', (d) => d.every((x) => x.health === HEALTHY));
    assert.equal(plugin.healthyCount(), 2);
  });

  it('allocates device nodes and the ids variable, and refuses unknown and unhealthy ids', async () => {
    addDevices('smart-accel0', 'smart-accel1', 'smart-accel2');
    world.kubelet = await FakeKubelet.start(world.plugins);
    const failing = new Set(['smart-accel2']);
    await startPlugin({
      healthProbe: async (d) => ({ healthy: !failing.has(d.id), reason: 'probe failed' }),
    });
    await world.kubelet.waitForList('three devices', (d) => d.length === 3);
    const client = world.kubelet.plugin;
    const allocate = (ids: string[][]) =>
      callUnary(
        client.Allocate,
        client,
        { container_requests: ids.map((devicesIDs) => ({ devicesIDs })) },
        2000,
      );

    const response = await allocate([['smart-accel1', 'smart-accel0'], ['smart-accel0']]);
    assert.equal(response.container_responses.length, 2);
    const [first, second] = response.container_responses;
    assert.deepEqual(first?.envs, { SMARTFLEET_STREAM_ACCELERATOR_IDS: 'smart-accel1,smart-accel0' });
    assert.deepEqual(first?.devices, [
      {
        container_path: join(world.dev, 'smart-accel1'),
        host_path: join(world.dev, 'smart-accel1'),
        permissions: 'rw',
      },
      {
        container_path: join(world.dev, 'smart-accel0'),
        host_path: join(world.dev, 'smart-accel0'),
        permissions: 'rw',
      },
    ]);
    assert.deepEqual(second?.envs, { SMARTFLEET_STREAM_ACCELERATOR_IDS: 'smart-accel0' });
    assert.deepEqual(first?.mounts, []);

    await assert.rejects(allocate([['smart-accel0', 'smart-accel9']]), (error: ServiceError) => {
      assert.equal(error.code, status.INVALID_ARGUMENT);
      assert.match(error.details, /unknown device id "smart-accel9"/);
      return true;
    });
    await assert.rejects(allocate([['smart-accel2']]), (error: ServiceError) => {
      assert.equal(error.code, status.INVALID_ARGUMENT);
      assert.match(error.details, /device "smart-accel2" is Unhealthy: probe failed/);
      return true;
    });

    const preferred = await callUnary(
      client.GetPreferredAllocation,
      client,
      {
        container_requests: [
          {
            available_deviceIDs: ['smart-accel2', 'smart-accel1', 'smart-accel0'],
            must_include_deviceIDs: ['smart-accel1'],
            allocation_size: 2,
          },
        ],
      },
      2000,
    );
    assert.deepEqual(preferred.container_responses, [{ deviceIDs: ['smart-accel1', 'smart-accel0'] }]);
    assert.deepEqual(
      await callUnary(client.PreStartContainer, client, { devicesIDs: ['smart-accel0'] }, 2000),
      {},
    );
  });

  it('serves again and registers again after the kubelet restarts and deletes its socket', async () => {
    addDevices('smart-accel0', 'smart-accel1');
    world.kubelet = await FakeKubelet.start(world.plugins);
    const plugin = await startPlugin();
    await world.kubelet.waitForList('two devices', (d) => d.length === 2);
    const before = await socketIdentity(plugin.socketPath);
    assert.ok(before);

    const listsBefore = world.kubelet.lists.length;
    await world.kubelet.restart();
    const second = await world.kubelet.waitForRegistrations(2, DEADLINE_MS);
    assert.equal(second.endpoint, 'smartfleet-stream-accelerator.sock');
    assert.equal(second.resource_name, ACCELERATOR_RESOURCE);
    await waitFor(async () => world.kubelet && world.kubelet.lists.length > listsBefore, {
      what: 'a ListAndWatch list from the new plugin socket',
      timeoutMs: DEADLINE_MS,
      intervalMs: 20,
    });
    assert.equal(world.kubelet.latest()?.length, 2);
    const after = await socketIdentity(plugin.socketPath);
    assert.ok(after && after !== before, 'a new socket file');
    // The kubelet has the request before the plugin has its answer: wait for that too.
    await waitFor(async () => plugin.kubeletState === 'registered', {
      what: 'the plugin to take the new kubelet’s answer',
      timeoutMs: DEADLINE_MS,
      intervalMs: 20,
    });
    assert.ok(world.logs.some((l) => l.msg.startsWith('plugin socket deleted or replaced')));
  });

  it('retries a refused registration with backoff until the kubelet accepts', async () => {
    addDevices('smart-accel0');
    world.kubelet = await FakeKubelet.start(world.plugins, { refuse: 2 });
    await startPlugin();
    await world.kubelet.waitForRegistrations(1, DEADLINE_MS);
    const failures = world.logs.filter((l) => l.msg === 'registration failed; retrying');
    assert.equal(failures.length, 2);
    assert.deepEqual(
      failures.map((l) => l.retryInMs),
      [50, 100],
      'the delay doubles',
    );
    assert.match(String(failures[0]?.error), /refused the registration: fake kubelet refuses/);
  });

  it('serves its status for the agent, and ends the kubelet stream when it stops', async () => {
    addDevices('smart-accel0', 'smart-accel1');
    world.kubelet = await FakeKubelet.start(world.plugins);
    const plugin = await startPlugin({
      expected: 4,
      status: { host: '127.0.0.1', port: 0 },
      healthProbe: async (d) => ({ healthy: d.id !== 'smart-accel1', reason: 'no answer' }),
    });
    await world.kubelet.waitForList('two devices', (d) => d.length === 2);

    const response = await fetch(`${plugin.statusUrl}/status`);
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), {
      resource: ACCELERATOR_RESOURCE,
      kubelet: 'registered',
      registered: true,
      healthy: 1,
      expected: 4,
      devices: [
        { id: 'smart-accel0', health: HEALTHY },
        { id: 'smart-accel1', health: UNHEALTHY, reason: 'no answer' },
      ],
    });
    assert.equal((await fetch(`${plugin.statusUrl}/healthz`)).status, 200);
    assert.equal((await fetch(`${plugin.statusUrl}/status`, { method: 'POST' })).status, 405);
    assert.ok(
      world.logs.some(
        (l) => l.msg === 'fewer healthy accelerators than the hardware has' && l.expected === 4,
      ),
    );

    await plugin.stop();
    world.plugin = undefined;
    await waitFor(async () => world.kubelet?.streamsEnded === 1, {
      what: 'the ListAndWatch stream to end',
      timeoutMs: DEADLINE_MS,
      intervalMs: 20,
    });
    assert.equal(existsSync(plugin.socketPath), false, 'the plugin socket is removed');
  });
});
