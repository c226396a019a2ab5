import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { jsonLogger, waitFor } from '@smart-fleet/kube';
import { ACCELERATOR_RESOURCE } from '@smart-fleet/model';
import { DeviceRegistry } from './device-registry.ts';
import { FakeKubelet } from './fake-kubelet.ts';
import { KubeletRegistrationError, KubeletSession, registerWithKubelet } from './kubelet-registration.ts';

let dir: string;
let session: KubeletSession | undefined;
let kubelet: FakeKubelet | undefined;
let logs: { msg: string }[];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'kubelet-'));
  logs = [];
});

afterEach(async () => {
  await session?.stop();
  await kubelet?.stop();
  session = undefined;
  kubelet = undefined;
  rmSync(dir, { recursive: true, force: true });
});

function newSession(): KubeletSession {
  const registry = new DeviceRegistry();
  registry.update([{ id: 'smart-accel0', path: '/dev/smart-accel0' }], new Map());
  session = new KubeletSession({
    dir,
    resource: ACCELERATOR_RESOURCE,
    registry,
    log: jsonLogger({}, (line) => logs.push(JSON.parse(line))),
    pollMs: 50,
  });
  return session;
}

describe('the kubelet session', () => {
  it('waits for kubelet.sock without serving, logs that once, and registers when it appears', async () => {
    const s = newSession();
    await s.start();
    assert.equal(s.state, 'waiting-kubelet');
    await waitFor(async () => s.checks >= 5, {
      what: 'five polls of the directory',
      timeoutMs: 5000,
      intervalMs: 20,
    });
    assert.equal(
      logs.filter((l) => l.msg === 'waiting for the kubelet').length,
      1,
      'logged once, not per poll',
    );
    assert.equal(existsSync(s.socketPath), false, 'nothing to serve before a kubelet is there');

    kubelet = await FakeKubelet.start(dir);
    const request = await kubelet.waitForRegistrations(1);
    assert.equal(request.endpoint, 'smartfleet-stream-accelerator.sock');
    await kubelet.waitForList('the registry device', (d) => d.length === 1 && d[0]?.ID === 'smart-accel0');
    await waitFor(async () => s.state === 'registered', {
      what: 'the session to take the kubelet’s answer',
      timeoutMs: 5000,
      intervalMs: 20,
    });
    assert.equal(s.registrations, 1);
  });

  it('registers once per kubelet, however many polls pass', async () => {
    kubelet = await FakeKubelet.start(dir);
    const s = newSession();
    await s.start();
    await kubelet.waitForRegistrations(1);
    const from = s.checks;
    await waitFor(async () => s.checks >= from + 5, {
      what: 'five more polls',
      timeoutMs: 5000,
      intervalMs: 20,
    });
    assert.equal(kubelet.registrations.length, 1);
  });

  it('says once why it cannot serve its socket, and serves once the cause is gone', async () => {
    kubelet = await FakeKubelet.start(dir);
    const blocker = join(dir, 'smartfleet-stream-accelerator.sock');
    mkdirSync(blocker);
    const s = newSession();
    await s.start();
    await waitFor(async () => s.checks >= 5, { what: 'five polls', timeoutMs: 5000, intervalMs: 20 });
    const said = logs.filter((l) => l.msg.startsWith('kubelet session step failed'));
    assert.equal(said.length, 1, 'not once per poll');
    assert.match(String((said[0] as { error?: unknown }).error), /cannot remove the stale plugin socket/);
    assert.equal(kubelet.registrations.length, 0);
    rmdirSync(blocker);
    await kubelet.waitForRegistrations(1);
    // The kubelet has the request before the session has its answer: wait for that too.
    await waitFor(async () => s.state === 'registered', {
      what: 'the session to take the kubelet’s answer',
      timeoutMs: 5000,
      intervalMs: 20,
    });
  });

  it('says whether the kubelet did not answer or refused', async () => {
    const request = {
      version: 'v1beta1',
      endpoint: 'x.sock',
      resource_name: ACCELERATOR_RESOURCE,
      options: { pre_start_required: false, get_preferred_allocation_available: true },
    };
    await assert.rejects(registerWithKubelet(join(dir, 'kubelet.sock'), request, 1000), (error) => {
      assert.ok(error instanceof KubeletRegistrationError);
      assert.equal(error.refused, false);
      assert.match(error.message, /did not answer/);
      return true;
    });
    kubelet = await FakeKubelet.start(dir, { refuse: 1 });
    await assert.rejects(registerWithKubelet(kubelet.socketPath, request, 1000), (error) => {
      assert.ok(error instanceof KubeletRegistrationError);
      assert.equal(error.refused, true);
      return true;
    });
  });
});
