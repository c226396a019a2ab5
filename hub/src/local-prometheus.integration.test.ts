import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { freePort } from '@smart-fleet/kube';
import { prometheusStatus, startPrometheus, stopPrometheus } from './local-prometheus.ts';

describe('the local Prometheus', () => {
  const dir = mkdtempSync(join(tmpdir(), 'local-prometheus-'));
  after(async () => {
    await stopPrometheus(dir, () => {});
    rmSync(dir, { recursive: true, force: true });
  });

  it('starts on loopback with the remote-write receiver, the replay window and the retention asked for', async () => {
    const info = await startPrometheus({
      dir,
      port: await freePort(),
      scrapeIntervalMs: 2000,
      retention: '3d',
      outOfOrderWindowMs: 13 * 3_600_000,
      log: () => {},
    });
    assert.match(info.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    const config = readFileSync(join(dir, 'prometheus.yml'), 'utf8');
    assert.match(config, /scrape_interval: 2s/);
    assert.match(config, /out_of_order_time_window: 13h/);
    const flags = (await (await fetch(`${info.url}/api/v1/status/flags`)).json()) as {
      data: Record<string, string>;
    };
    assert.equal(flags.data['storage.tsdb.retention.time'], '3d');
    assert.equal(flags.data['web.enable-remote-write-receiver'], 'true');
    assert.equal((await prometheusStatus(dir)).state, 'running');
    // Started again: the running one is returned, not a second.
    assert.equal((await startPrometheus({ dir, port: 1, log: () => {} })).pid, info.pid);
  });

  it('refuses a port in use, naming it and what to do', async () => {
    const other = mkdtempSync(join(tmpdir(), 'local-prometheus-busy-'));
    const busy = createServer();
    const port = await freePort();
    await new Promise<void>((resolve) => busy.listen(port, '127.0.0.1', resolve));
    try {
      await assert.rejects(
        startPrometheus({ dir: other, port, log: () => {} }),
        new RegExp(`port ${port} \\(Prometheus\\).*in use`),
      );
    } finally {
      busy.close();
      rmSync(other, { recursive: true, force: true });
    }
  });

  it('says so when another Prometheus holds the data directory', async () => {
    // The running one's record is lost (as after a crash of this tool): a second start on the
    // same data must fail on the TSDB lock with what to do, and leave the first one running.
    const stateFile = join(dir, 'state.json');
    const state = readFileSync(stateFile, 'utf8');
    rmSync(stateFile);
    try {
      await assert.rejects(
        startPrometheus({ dir, port: await freePort(), log: () => {} }),
        /held by another Prometheus or damaged: stop that one \(pid \d+\), or `npm run prometheus -- reset` removes the data/,
      );
    } finally {
      writeFileSync(stateFile, state);
    }
    assert.equal((await prometheusStatus(dir)).state, 'running');
  });

  it('stops, and reports stopped', async () => {
    assert.equal(await stopPrometheus(dir, () => {}), true);
    assert.equal((await prometheusStatus(dir)).state, 'stopped');
  });
});
