/**
 * Two operator replicas behind one agents' endpoint, as the hub stack runs them: a real site
 * agent (with its own cluster) calls the standby only; the standby relays to the leader, which
 * alone keeps heartbeats, judges health and exports the site's telemetry. Then the leader dies
 * and the standby takes over; what the agent buffered meanwhile lands in Prometheus.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CoordinationV1Api } from '@kubernetes/client-node';
import { applyInventory, type ExtraApiserver, freePort, startExtraApiserver } from '@smart-fleet/hub';
import { connect, type FleetResource, listAll, silentLogger, waitFor } from '@smart-fleet/kube';
import { parseInventory, TELEMETRY_METRICS } from '@smart-fleet/model';
import { smallFleet, toYaml } from '../../../test/support/fleet-fixtures.ts';
import { calmTelemetry } from '../../../test/support/telemetry.ts';
import { type TestHub, testHub, uniqueNamespace } from '../../../test/support/test-hub.ts';
import { type TestPrometheus, testPrometheus } from '../../../test/support/test-prometheus.ts';
import { SiteAgent } from '../agent/site-agent.ts';
import {
  LEADER_INGEST_ANNOTATION,
  LEADER_METRICS_ANNOTATION,
  type Manager,
  type ManagerOptions,
  OPERATORS_LEASE,
  startManager,
} from '../manager.ts';

const LEASE_MS = 3000;
const GRACE_MS = 3000;
const HEARTBEAT_MS = 300;

/** This machine's first non-loopback IPv4 address: stands in for a pod IP. */
const outsideAddress = Object.values(networkInterfaces())
  .flat()
  .find((i) => i && !i.internal && i.family === 'IPv4')?.address;

const phaseOf = (o: FleetResource | undefined) =>
  (o as { status?: { phase?: string; lastHeartbeat?: string } } | undefined)?.status;

describe('agents calling the standby of two operator replicas', () => {
  let hub: TestHub;
  let prometheus: TestPrometheus;
  let siteCluster: ExtraApiserver;
  let agent: SiteAgent;
  let leader: Manager;
  let standby: Manager;
  const stateDir = mkdtempSync(join(tmpdir(), 'relay-agent-'));
  const namespace = uniqueNamespace('relay');
  let site = '';
  const key = () => `${namespace}/${site}`;

  const replica = (identity: string, extra: Partial<ManagerOptions> = {}) =>
    startManager({
      client: hub.client,
      namespace,
      log: silentLogger,
      health: { graceMs: GRACE_MS },
      leaderElection: { namespace, identity, leaseDurationMs: LEASE_MS, renewDeadlineMs: 2000, retryMs: 500 },
      prometheus: { url: prometheus.url, outOfOrderWindowMs: prometheus.outOfOrderWindowMs },
      ...extra,
    });
  const siteStatus = async () =>
    phaseOf((await listAll(hub.client, 'Site', namespace)).find((s) => s.metadata?.name === site));
  const untilPhase = (phase: string, timeoutMs = 20000) =>
    waitFor(async () => (await siteStatus())?.phase === phase, { what: `phase ${phase}`, timeoutMs });
  const heartbeatTo = (m: Manager) =>
    fetch(`${m.ingestUrl}/v1/heartbeat`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${readFileSync(join(stateDir, 'agent-token'), 'utf8').trim()}`,
      },
      body: JSON.stringify({ namespace, site, telemetry: calmTelemetry }),
    });

  before(async () => {
    [hub, prometheus] = await Promise.all([testHub(), testPrometheus()]);
    const parsed = parseInventory([{ file: 'fleet.yaml', text: toYaml(smallFleet(namespace, 2)) }]);
    assert.ok(parsed.inventory);
    await applyInventory(hub.client, parsed.inventory);
    site = parsed.inventory.objects.find((o) => o.kind === 'Site')?.metadata.name ?? '';
    // The first replica leads: it listens on every address and advertises the outside one, as a pod does.
    leader = await replica('replica-a', {
      listenHost: '0.0.0.0',
      advertiseHost: outsideAddress ?? '127.0.0.1',
    });
    await waitFor(async () => leader.leading(), { what: 'replica-a to lead', timeoutMs: 10000 });
    standby = await replica('replica-b');
    const secret = await waitFor(
      () =>
        hub.client.core.readNamespacedSecret({ name: `${site}-bootstrap`, namespace }).catch(() => undefined),
      { what: 'bootstrap secret', timeoutMs: 20000 },
    );
    siteCluster = await startExtraApiserver({ hubDir: hub.dir, name: namespace, port: await freePort() });
    agent = new SiteAgent({
      hubUrl: standby.ingestUrl,
      namespace,
      site,
      stateDir,
      siteClient: connect(siteCluster.kubeconfig),
      bootstrapToken: Buffer.from(secret.data?.token ?? '', 'base64').toString(),
      telemetry: () => calmTelemetry,
      log: silentLogger,
      heartbeatMs: HEARTBEAT_MS,
      bufferLimit: 1000,
    });
  });

  after(async () => {
    agent?.stop();
    await Promise.all([leader, standby].map((m) => m?.stop()));
    await siteCluster?.stop();
  });

  it('the leader advertises its endpoints on the Lease, reachable on its pod-like address', async () => {
    const lease = await hub.client.kc
      .makeApiClient(CoordinationV1Api)
      .readNamespacedLease({ name: OPERATORS_LEASE, namespace });
    assert.equal(lease.spec?.holderIdentity, 'replica-a');
    const ingestUrl = lease.metadata?.annotations?.[LEADER_INGEST_ANNOTATION] ?? '';
    const metricsUrl = lease.metadata?.annotations?.[LEADER_METRICS_ANNOTATION] ?? '';
    assert.equal(new URL(ingestUrl).port, new URL(leader.ingestUrl).port);
    if (!outsideAddress) {
      console.log('# no non-loopback address here: the listen-host check is skipped');
      return;
    }
    assert.equal(new URL(ingestUrl).hostname, outsideAddress);
    assert.equal((await fetch(`${metricsUrl}/healthz`)).status, 200, 'the leader listens on every address');
    const standbyOutside = `http://${outsideAddress}:${new URL(standby.metricsUrl).port}/healthz`;
    await assert.rejects(fetch(standbyOutside), 'the standby (default listen host) must be on loopback only');
  });

  it('relays registration and heartbeats to the leader, which keeps the site Ready', async () => {
    await agent.start(); // registers through the standby
    await untilPhase('Ready');
    const readyAt = Date.now();
    const seen = new Set<string>();
    // Well past the grace period, with every heartbeat sent to the standby only.
    await waitFor(
      async () => {
        seen.add((await siteStatus())?.phase ?? 'none');
        const latest = leader.heartbeat(key())?.at ?? 0;
        return latest - readyAt > 2 * GRACE_MS;
      },
      { what: `heartbeats for ${(2 * GRACE_MS) / 1000} s`, timeoutMs: 20000, intervalMs: 200 },
    );
    assert.deepEqual([...seen], ['Ready'], 'the site left Ready while its agent beat on the standby');
    // Written when the site became Ready; a quiet site's status is not rewritten for a timestamp.
    const last = Date.parse((await siteStatus())?.lastHeartbeat ?? '');
    assert.ok(
      Math.abs(readyAt - last) < 5000,
      `lastHeartbeat ${new Date(last).toISOString()} is not when it was heard`,
    );
    assert.equal(standby.heartbeat(key()), undefined, 'the standby kept heartbeats it should have relayed');
    assert.equal(agent.bufferedSamples, 0);
  });

  it('exports the site’s latest telemetry from the leader only', async () => {
    const series = `${TELEMETRY_METRICS.activeStreams}{namespace="${namespace}",site="${site}"`;
    const text = async (m: Manager) => (await fetch(`${m.metricsUrl}/metrics`)).text();
    assert.ok((await text(leader)).includes(series), 'the leader does not export the site it hears');
    assert.ok(!(await text(standby)).includes(series), 'the standby exports a site it does not hear');
  });

  it('after the leader dies, answers 503 until it leads, then judges health itself, losing no sample', async () => {
    const died = Date.now();
    await leader.stop(); // a crash: the Lease is not released, it has to expire
    const meanwhile = await heartbeatTo(standby);
    assert.equal(meanwhile.status, 503, 'the standby took a heartbeat it cannot hand to a leader');
    await waitFor(async () => standby.leading(), { what: 'the standby to lead', timeoutMs: LEASE_MS * 3 });
    const tookOver = Date.now();
    await waitFor(async () => agent.bufferedSamples === 0 && standby.heartbeat(key()), {
      what: 'the agent to reach the new leader and replay its buffer',
      timeoutMs: 20000,
    });
    const replayed = await prometheus.range(
      `${TELEMETRY_METRICS.egressMbps}{namespace="${namespace}",site="${site}",replay="true"}[5m]`,
    );
    const gap = replayed.filter(([t]) => t * 1000 > died && t * 1000 < tookOver);
    console.log(
      `# failover after ${(tookOver - died) / 1000} s; ${gap.length} samples from the gap replayed into Prometheus`,
    );
    assert.ok(gap.length > 0, 'samples from the failover were lost');
    assert.equal((await siteStatus())?.phase, 'Ready');
    await agent.stop();
    const silent = Date.now();
    await untilPhase('Offline', GRACE_MS + 5000);
    console.log(`# the new leader marked the silent site Offline after ${(Date.now() - silent) / 1000} s`);
  });
});
