import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { applyInventory } from '@smart-fleet/hub';
import { type FleetResource, listAll, ownedPart, silentLogger, waitFor } from '@smart-fleet/kube';
import { parseInventory, type SiteTelemetry } from '@smart-fleet/model';
import { smallFleet, toYaml } from '../../../test/support/fleet-fixtures.ts';
import { type TestHub, testHub, uniqueNamespace } from '../../../test/support/test-hub.ts';
import { type Manager, startManager } from '../manager.ts';
import { SITE_HEALTH_STATUS } from '../status-owners.ts';

// Short by default to keep the suite quick; SMART_FLEET_TEST_GRACE_MS=10000 measures the production default.
const GRACE_MS = Number(process.env.SMART_FLEET_TEST_GRACE_MS ?? 3000);
const calm: SiteTelemetry = {
  activeStreams: 40,
  egressMbps: 800,
  cacheHitRatio: 0.9,
  storageUsedGB: 300,
  acceleratorsHealthy: 4,
  drmDenials: 0,
  errors: 0,
};

type Status = {
  phase?: string;
  lastHeartbeat?: string;
  conditions?: { type: string; status: string; reason: string }[];
};
/** What site health wrote to a Site, and when it last wrote. */
const healthPart = (o: FleetResource | undefined) => ({
  status: ownedPart(SITE_HEALTH_STATUS, statusOf(o)),
  lastWrite: o?.metadata?.managedFields?.find((f) => f.manager === SITE_HEALTH_STATUS.manager)?.time,
});
const statusOf = (o: FleetResource | undefined) => (o as { status?: Status } | undefined)?.status ?? {};

describe('site health from agent heartbeats, against a real kube-apiserver', () => {
  let hub: TestHub;
  let manager: Manager;
  const namespace = uniqueNamespace('health');
  let siteName = '';
  let agentToken = '';

  const post = (path: string, body: unknown, token?: string) =>
    fetch(`${manager.ingestUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });
  const heartbeat = (telemetry: SiteTelemetry = calm, token = agentToken) =>
    post('/v1/heartbeat', { namespace, site: siteName, telemetry, release: '1.0.0' }, token);
  const site = async () =>
    (await listAll(hub.client, 'Site', namespace)).find((s) => s.metadata?.name === siteName);
  const untilPhase = (phase: string, beat?: () => Promise<unknown>) =>
    waitFor(
      async () => {
        await beat?.();
        const s = await site();
        return statusOf(s).phase === phase && s;
      },
      { what: `phase ${phase}`, timeoutMs: 20000, intervalMs: 250 },
    );

  before(async () => {
    hub = await testHub();
    const parsed = parseInventory([{ file: 'fleet.yaml', text: toYaml(smallFleet(namespace, 2)) }]);
    assert.ok(parsed.inventory);
    siteName = parsed.inventory.objects.find((o) => o.kind === 'Site')?.metadata.name ?? '';
    await applyInventory(hub.client, parsed.inventory);
    manager = await startManager({
      client: hub.client,
      namespace,
      log: silentLogger,
      health: { graceMs: GRACE_MS },
    });
  });

  after(async () => {
    await manager?.stop();
  });

  it('registers an agent once with its bootstrap token', async () => {
    const secret = await waitFor(
      () =>
        hub.client.core
          .readNamespacedSecret({ name: `${siteName}-bootstrap`, namespace })
          .catch(() => undefined),
      { what: 'bootstrap secret', timeoutMs: 20000 },
    );
    const bootstrapToken = Buffer.from(secret.data?.token ?? '', 'base64').toString();
    const registered = await post('/v1/register', { namespace, site: siteName, bootstrapToken });
    assert.equal(registered.status, 200);
    agentToken = ((await registered.json()) as { token: string }).token;
    assert.ok(agentToken.length >= 40);
    const reused = await post('/v1/register', { namespace, site: siteName, bootstrapToken });
    assert.equal(reused.status, 401, 'a bootstrap token worked twice');
  });

  it('refuses heartbeats with a wrong token or malformed telemetry, naming the field', async () => {
    assert.equal((await heartbeat(calm, 'not-the-token')).status, 401);
    const bad = await post(
      '/v1/heartbeat',
      { namespace, site: siteName, telemetry: { ...calm, egressMbps: -1 } },
      agentToken,
    );
    assert.equal(bad.status, 400);
    assert.match(((await bad.json()) as { error: string }).error, /telemetry\.egressMbps/);
  });

  it('a heartbeating site becomes Ready, and further heartbeats do not each write to the hub', async () => {
    const ready = await untilPhase('Ready', () => heartbeat());
    for (let i = 0; i < 6; i++) {
      assert.equal((await heartbeat()).status, 204);
    }
    // Other owners may still write the Site (admission notes the spent bootstrap credential):
    // what must not move is site health's own part, nor the time of its last write.
    const after = await site();
    assert.deepEqual(healthPart(after), healthPart(ready), 'a heartbeat was written to the hub');
  });

  it('a silent site is marked Offline within the grace period, and recovers by itself', async () => {
    assert.equal((await heartbeat()).status, 204);
    const lastBeat = Date.now();
    await untilPhase('Offline');
    const detectedSeconds = (Date.now() - lastBeat) / 1000;
    console.log(
      `# offline detected ${detectedSeconds.toFixed(1)} s after the last heartbeat (grace ${GRACE_MS / 1000} s)`,
    );
    assert.ok(detectedSeconds < GRACE_MS / 1000 + 3, `offline detection took ${detectedSeconds} s`);
    const reachable = statusOf(await site()).conditions?.find((c) => c.type === 'Reachable');
    assert.equal(reachable?.reason, 'HeartbeatMissed');
    await untilPhase('Ready', () => heartbeat());
  });

  it('saturated egress makes the site Degraded with a reason an operator can act on', async () => {
    const degraded = await untilPhase('Degraded', () => heartbeat({ ...calm, egressMbps: 3900 }));
    const healthy = statusOf(degraded).conditions?.find((c) => c.type === 'Healthy');
    assert.equal(healthy?.status, 'False');
    assert.match(healthy?.reason ?? '', /EgressSaturated/);
    await untilPhase('Ready', () => heartbeat());
  });
  it('a replacement manager, which has heard from no one, marks a silent Ready site Offline after the grace', async () => {
    await untilPhase('Ready', () => heartbeat());
    // A failover or restart: the new manager's heartbeat memory is empty, and this agent is gone.
    await manager.stop();
    const restartedAt = Date.now();
    manager = await startManager({
      client: hub.client,
      namespace,
      log: silentLogger,
      health: { graceMs: GRACE_MS },
    });
    const offline = await untilPhase('Offline');
    const seconds = (Date.now() - restartedAt) / 1000;
    assert.ok(seconds >= GRACE_MS / 1000, `marked Offline ${seconds} s after the restart, inside the grace`);
    assert.ok(seconds < GRACE_MS / 1000 + 5, `marked Offline only ${seconds} s after the restart`);
    assert.equal(
      statusOf(offline).conditions?.find((c) => c.type === 'Reachable')?.reason,
      'HeartbeatMissed',
    );
    // The agent comes back, to the new manager, with the credential the old one issued.
    await untilPhase('Ready', () => heartbeat());
  });

  it('drained on request, the site stays Draining while it heartbeats; decommissioned, it may no longer call in', async () => {
    const setLifecycle = async (lifecycle: string) => {
      const live = await site();
      await hub.client.custom.patchNamespacedCustomObject({
        group: 'smartfleet.io',
        version: 'v1alpha1',
        namespace,
        plural: 'sites',
        name: siteName,
        body: [{ op: 'replace', path: '/spec/lifecycle', value: lifecycle }],
      });
      return live;
    };
    await setLifecycle('Draining');
    await untilPhase('Draining', () => heartbeat());
    assert.equal((await heartbeat()).status, 204);
    assert.equal(statusOf(await site()).phase, 'Draining');
    await setLifecycle('Decommissioned');
    await untilPhase('Decommissioned');
    await waitFor(async () => (await heartbeat()).status === 403, {
      what: 'heartbeats refused',
      timeoutMs: 10000,
    });
    // The phase follows the request at once (health controller); admission revokes the
    // credential on its own queue, so the Secret goes a moment later, never not at all.
    await waitFor(
      async () =>
        (await hub.client.core
          .readNamespacedSecret({ name: `${siteName}-agent`, namespace })
          .catch(() => undefined)) === undefined,
      { what: 'the agent credential revoked on decommissioning', timeoutMs: 10000 },
    );
  });
});
