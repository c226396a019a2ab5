import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { connect, freePort, waitFor } from '@smart-fleet/kube';
import { isAlive } from './hub-process.ts';
import { type HubInfo, type HubOptions, hubStatus, resetHub, startHub, stopHub } from './local-hub.ts';

const quiet = () => {};

async function options(dir: string): Promise<HubOptions> {
  return {
    dir,
    apiserverPort: await freePort(),
    etcdPort: await freePort(),
    etcdPeerPort: await freePort(),
    log: quiet,
  };
}

const pidsOf = (info: HubInfo) => Object.values(info.pids);

describe('the local hub lifecycle', () => {
  const dir = mkdtempSync(join(tmpdir(), 'smart-fleet-lifecycle-'));
  let hub: HubOptions;
  let info: HubInfo;

  before(async () => {
    hub = await options(dir);
  });

  after(async () => {
    await resetHub(dir, quiet);
  });

  it('starts on loopback with TLS and answers through its kubeconfig', async () => {
    info = await startHub(hub);
    assert.match(info.server, /^https:\/\/127\.0\.0\.1:\d+$/);
    assert.match(info.version, /^v1\.20\./);
    const status = await hubStatus(dir);
    assert.equal(status.state, 'running');
    assert.equal(status.state === 'running' && status.ready, true);
    const client = connect(info.kubeconfig);
    await client.core.createNamespace({ body: { metadata: { name: 'survives-restart' } } });
  });

  it('a second start finds it running and starts nothing', async () => {
    const again = await startHub(hub);
    assert.deepEqual(again.pids, info.pids);
  });

  it('refuses a port in use with a message naming the port, and leaves no state behind', async () => {
    const blocker = createServer();
    const port = await freePort();
    await new Promise<void>((resolve) => blocker.listen(port, '127.0.0.1', resolve));
    const otherDir = mkdtempSync(join(tmpdir(), 'smart-fleet-busy-'));
    try {
      const busy = { ...(await options(otherDir)), apiserverPort: port };
      await assert.rejects(
        startHub(busy),
        new RegExp(`port ${port} \\(kube-apiserver\\) on 127\\.0\\.0\\.1 is already in use`),
      );
      assert.equal((await hubStatus(otherDir)).state, 'stopped');
    } finally {
      blocker.close();
      rmSync(otherDir, { recursive: true, force: true });
    }
  });

  it('stops cleanly and keeps its data for the next start', async () => {
    assert.equal(await stopHub(dir, quiet), true);
    assert.equal((await hubStatus(dir)).state, 'stopped');
    assert.ok(
      pidsOf(info).every((pid) => !isAlive(pid)),
      'a hub process outlived stop',
    );
    assert.equal(await stopHub(dir, quiet), false);
  });

  it('recovers from a hub killed outright (stale state) with its data intact', async () => {
    info = await startHub(hub);
    for (const pid of pidsOf(info)) {
      process.kill(pid, 'SIGKILL');
    }
    await waitFor(async () => pidsOf(info).every((pid) => !isAlive(pid)), {
      what: 'killed hub',
      timeoutMs: 10000,
    });
    assert.equal((await hubStatus(dir)).state, 'stale');
    const restarted = await startHub(hub);
    assert.notDeepEqual(restarted.pids, info.pids);
    const ns = await connect(restarted.kubeconfig).core.readNamespace({ name: 'survives-restart' });
    assert.equal(ns.metadata?.name, 'survives-restart');
    await stopHub(dir, quiet);
  });

  it('a corrupt etcd data dir fails with a message saying how to reset it', async () => {
    const member = join(dir, 'etcd', 'member');
    rmSync(member, { recursive: true, force: true });
    writeFileSync(member, 'not an etcd member directory');
    await assert.rejects(startHub(hub), /etcd[\s\S]*npm run hub -- reset/);
    assert.equal((await hubStatus(dir)).state, 'stopped');
    await resetHub(dir, quiet);
    assert.equal(existsSync(dir), false);
  });
});
