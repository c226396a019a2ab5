import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { applyInventory, type ExtraApiserver, freePort, startExtraApiserver } from '@smart-fleet/hub';
import { connect, type LogFields, type Logger, silentLogger, waitFor } from '@smart-fleet/kube';
import { parseInventory, TELEMETRY_FIELDS, TELEMETRY_METRICS } from '@smart-fleet/model';
import { CuttableProxy } from '../../../test/support/cuttable-proxy.ts';
import { smallFleet, toYaml } from '../../../test/support/fleet-fixtures.ts';
import { calmTelemetry } from '../../../test/support/telemetry.ts';
import { type TestHub, testHub, uniqueNamespace } from '../../../test/support/test-hub.ts';
import { type TestPrometheus, testPrometheus } from '../../../test/support/test-prometheus.ts';
import { MAX_REPLAY_BATCH } from '../health/telemetry-replay.ts';
import { type Manager, startManager } from '../manager.ts';
import { SiteAgent } from './site-agent.ts';

const BEAT_MS = 5000;
const OUTAGE_BEATS = (12 * 3_600_000) / BEAT_MS; // 8,640

/** Records what the agent logs, to read its replay batches back. */
function recordingLogger(into: { message: string; fields: LogFields }[], echo = false): Logger {
  const logger: Logger = {
    info: (message, fields = {}) => {
      into.push({ message, fields });
      if (echo) {
        console.error(message, fields);
      }
    },
    error: (message, fields = {}) => logger.info(message, fields),
    child: () => logger,
  };
  return logger;
}

describe('a 12-hour hub outage at 5 s beats, replayed into Prometheus (simulated clock)', () => {
  let hub: TestHub;
  let prometheus: TestPrometheus;
  let manager: Manager;
  let siteCluster: ExtraApiserver;
  let proxy: CuttableProxy;
  let agent: SiteAgent;
  const logs: { message: string; fields: LogFields }[] = [];
  const namespace = uniqueNamespace('replay');
  let site = '';
  // The outage ends now: Prometheus takes replays within its out-of-order window of its newest sample.
  const outageStart = Date.now() - OUTAGE_BEATS * BEAT_MS;
  let clock = outageStart - BEAT_MS;
  const stateDir = mkdtempSync(join(tmpdir(), 'agent-replay-'));

  before(async () => {
    [hub, prometheus] = await Promise.all([testHub(), testPrometheus()]);
    const parsed = parseInventory([{ file: 'fleet.yaml', text: toYaml(smallFleet(namespace, 2)) }]);
    assert.ok(parsed.inventory);
    await applyInventory(hub.client, parsed.inventory);
    site = parsed.inventory.objects.find((o) => o.kind === 'Site')?.metadata.name ?? '';
    manager = await startManager({
      client: hub.client,
      namespace,
      log: silentLogger,
      prometheus: { url: prometheus.url, outOfOrderWindowMs: prometheus.outOfOrderWindowMs },
    });
    siteCluster = await startExtraApiserver({ hubDir: hub.dir, name: namespace, port: await freePort() });
    const secret = await waitFor(
      () =>
        hub.client.core.readNamespacedSecret({ name: `${site}-bootstrap`, namespace }).catch(() => undefined),
      { what: 'bootstrap secret', timeoutMs: 20000 },
    );
    proxy = new CuttableProxy(manager.ingestUrl);
    await proxy.restore();
    agent = new SiteAgent({
      hubUrl: proxy.url,
      namespace,
      site,
      stateDir,
      siteClient: connect(siteCluster.kubeconfig),
      bootstrapToken: Buffer.from(secret.data?.token ?? '', 'base64').toString(),
      // Each sample carries its index in the outage, so the stored values say which sample they are.
      telemetry: () => ({
        ...calmTelemetry,
        activeStreams: Math.max(0, Math.round((clock - outageStart) / BEAT_MS)),
      }),
      log: recordingLogger(logs, process.env.DEBUG_REPLAY === '1'),
      // The test drives every beat itself, on the simulated clock; the agent's own timer never fires.
      heartbeatMs: 24 * 3_600_000,
      now: () => clock,
    });
  });

  after(async () => {
    agent?.stop();
    await proxy?.cut();
    await manager?.stop();
    await siteCluster?.stop();
  });

  it('buffers all 8,640 samples, then replays them oldest first in batches, all stored at their own times', async () => {
    await agent.start(); // registers and reports while the hub is up (the Site may reach its cache a beat late)
    const key = `${namespace}/${site}`;
    const heard = async () => {
      await agent.tick();
      return agent.bufferedSamples === 0 && manager.heartbeat(key);
    };
    await waitFor(heard, {
      what: 'the agent heard by the hub with nothing buffered',
      timeoutMs: 20000,
    });
    await proxy.cut();
    const outageTicks = performance.now();
    for (let beat = 0; beat < OUTAGE_BEATS; beat++) {
      clock = outageStart + beat * BEAT_MS;
      await agent.tick();
    }
    const outageMs = performance.now() - outageTicks;
    assert.equal(agent.bufferedSamples, OUTAGE_BEATS, 'the buffer lost samples during the outage');
    const sent = agent.buffered().map((s) => s.at);

    clock = Date.now();
    await proxy.restore();
    const started = performance.now();
    await agent.tick(); // the hub answers again: heartbeat, then the whole backlog
    const replayMs = performance.now() - started;
    assert.equal(agent.bufferedSamples, 0, 'the buffer did not drain in one beat');

    const batches = logs.filter((l) => l.message === 'replayed buffered telemetry').map((l) => l.fields);
    assert.equal(batches.length, Math.ceil(OUTAGE_BEATS / MAX_REPLAY_BATCH));
    assert.ok(batches.every((b) => Number(b.samples) <= MAX_REPLAY_BATCH));
    for (let i = 1; i < batches.length; i++) {
      assert.ok(
        String(batches[i]?.from) > String(batches[i - 1]?.to),
        `batch ${i} is not after batch ${i - 1}`,
      );
    }

    // Count every stored sample of every field over the outage's window, and read one field's
    // samples back with their timestamps.
    const selector = `{namespace="${namespace}",site="${site}",replay="true"}`;
    const window = `${Math.ceil((Date.now() - outageStart) / 60_000) + 1}m`;
    const counts = await waitFor(
      async () => {
        const found = await Promise.all(
          TELEMETRY_FIELDS.map(async (field) => {
            const [row] = await prometheus.query(
              `count_over_time(${TELEMETRY_METRICS[field]}${selector}[${window}])`,
            );
            return Number(row?.value[1] ?? 0);
          }),
        );
        return found.every((n) => n === OUTAGE_BEATS) && found;
      },
      { what: 'every replayed sample queryable in Prometheus', timeoutMs: 20000 },
    );
    const stored = await prometheus.range(`${TELEMETRY_METRICS.activeStreams}${selector}[${window}]`);
    const storedAt = stored.map(([t]) => Math.round(t * 1000));
    assert.deepEqual(storedAt, sent, 'stored timestamps differ from the times the samples were taken');
    assert.deepEqual(
      stored.map(([, v]) => Number(v)),
      sent.map((_, i) => i),
      'stored values are not the samples in the order they were taken',
    );
    console.log(
      `# 12 h outage (${OUTAGE_BEATS} beats ticked in ${Math.round(outageMs / 1000)} s): ${sent.length} samples sent in ${batches.length} batches in ${Math.round(replayMs)} ms; ` +
        `stored ${counts[0]} per field x ${counts.length} fields = ${counts.reduce((a, b) => a + b, 0)} samples`,
    );
  });

  it('answers samples older than Prometheus takes as refused, with the reason; refuses oversized batches', async () => {
    const token = readFileSync(join(stateDir, 'agent-token'), 'utf8').trim();
    const tooOld = Date.now() - prometheus.outOfOrderWindowMs - 60_000;
    const res = await fetch(`${manager.ingestUrl}/v1/telemetry`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        namespace,
        site,
        samples: [
          { at: tooOld, telemetry: { ...calmTelemetry, errors: 7 } },
          { at: Date.now() - 1000, telemetry: { ...calmTelemetry, errors: 8 } },
        ],
      }),
    });
    assert.equal(res.status, 200);
    const outcome = (await res.json()) as { accepted: number; refused: number; refusedReason: string };
    assert.equal(outcome.accepted, 1);
    assert.equal(outcome.refused, 1);
    assert.match(outcome.refusedReason, /1 older than .* \(Prometheus keeps replays within 14 h\)/);
    const tooMany = Array.from({ length: MAX_REPLAY_BATCH + 1 }, (_, i) => ({
      at: Date.now() - i,
      telemetry: calmTelemetry,
    }));
    const refused = await fetch(`${manager.ingestUrl}/v1/telemetry`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ namespace, site, samples: tooMany }),
    });
    assert.equal(refused.status, 400);
    assert.match(((await refused.json()) as { error: string }).error, /at most 1000/);
  });
});
