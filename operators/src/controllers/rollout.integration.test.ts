import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { applyInventory, type ExtraApiserver, freePort, startExtraApiserver } from '@smart-fleet/hub';
import {
  connect,
  type FleetResource,
  listAll,
  serverSideApply,
  silentLogger,
  waitFor,
} from '@smart-fleet/kube';
import { GROUP_VERSION, parseInventory } from '@smart-fleet/model';
import { smallFleet, toYaml } from '../../../test/support/fleet-fixtures.ts';
import { calmTelemetry } from '../../../test/support/telemetry.ts';
import { type TestHub, testHub, uniqueNamespace } from '../../../test/support/test-hub.ts';
import { SiteAgent } from '../agent/site-agent.ts';
import { type Manager, startManager } from '../manager.ts';

type Status = {
  phase?: string;
  targetRelease?: string;
  deployedRelease?: string;
  conditions?: { type: string; status: string; message: string }[];
  waves?: { name: string; state: string }[];
};
const statusOf = (o: FleetResource | undefined) => (o as { status?: Status } | undefined)?.status ?? {};

describe('rollouts in waves, each site with its own cluster and a real agent', () => {
  let hub: TestHub;
  let manager: Manager;
  const agents: SiteAgent[] = [];
  const clusters: ExtraApiserver[] = [];
  const namespace = uniqueNamespace('rollout');
  let siteNames: string[] = [];

  /** A bad release carries a setting its site clusters refuse (not a valid ConfigMap key): its apply fails there. */
  const release = (name: string, version: string, bad = false) =>
    serverSideApply(
      hub.client,
      {
        apiVersion: GROUP_VERSION,
        kind: 'SiteRelease',
        metadata: { name, namespace },
        spec: {
          version,
          services: [
            {
              name: 'streaming-edge',
              image: `smart/edge:${version}`,
              settings: bad ? { 'not a key!': 'x' } : { MAX_STREAMS: '2000' },
            },
          ],
        },
      } as never,
      { fieldManager: 'test' },
    );
  const rollout = (name: string, spec: Record<string, unknown>) =>
    serverSideApply(
      hub.client,
      {
        apiVersion: GROUP_VERSION,
        kind: 'Rollout',
        metadata: { name, namespace },
        spec: {
          selector: {
            tenants: ['education-network', 'national-telecom', 'metro-cable', 'apartment-operators'],
          },
          canarySites: 1,
          waves: [
            { name: 'half', percent: 50, maxUnavailable: 2 },
            { name: 'all', percent: 100, maxUnavailable: 3 },
          ],
          healthGate: { bakeSeconds: 1 },
          respectMaintenanceWindows: false,
          ...spec,
        },
      } as never,
      { fieldManager: 'test', force: true },
    );
  const get = async (kind: string, name: string) =>
    (await listAll(hub.client, kind, namespace)).find((o) => o.metadata?.name === name);
  const untilPhase = (name: string, phase: string) =>
    waitFor(async () => statusOf(await get('Rollout', name)).phase === phase, {
      what: `${name} ${phase}`,
      timeoutMs: 60000,
      intervalMs: 250,
    });
  const targets = async () =>
    (await listAll(hub.client, 'Site', namespace)).map((s) => statusOf(s).targetRelease);

  before(async () => {
    hub = await testHub();
    const parsed = parseInventory([{ file: 'fleet.yaml', text: toYaml(smallFleet(namespace, 3)) }]);
    assert.ok(parsed.inventory);
    await applyInventory(hub.client, parsed.inventory);
    siteNames = parsed.inventory.objects.filter((o) => o.kind === 'Site').map((o) => o.metadata.name);
    await Promise.all([release('r2', '1.1.0'), release('r-bad', '1.2.0', true)]);
    manager = await startManager({ client: hub.client, namespace, log: silentLogger });
    clusters.push(
      ...(await Promise.all(
        siteNames.map(async (name) =>
          startExtraApiserver({
            hubDir: hub.dir,
            name: `${namespace}-${name}`.slice(0, 60),
            port: await freePort(),
          }),
        ),
      )),
    );
    for (const [i, site] of siteNames.entries()) {
      const secret = await waitFor(
        () =>
          hub.client.core
            .readNamespacedSecret({ name: `${site}-bootstrap`, namespace })
            .catch(() => undefined),
        { what: `bootstrap secret of ${site}`, timeoutMs: 20000 },
      );
      const agent = new SiteAgent({
        hubUrl: manager.ingestUrl,
        namespace,
        site,
        stateDir: mkdtempSync(join(tmpdir(), 'agent-')),
        siteClient: connect(clusters[i]?.kubeconfig),
        bootstrapToken: Buffer.from(secret.data?.token ?? '', 'base64').toString(),
        telemetry: () => calmTelemetry,
        log: silentLogger,
        heartbeatMs: 300,
      });
      await agent.start();
      agents.push(agent);
    }
  });

  after(async () => {
    for (const agent of agents) {
      agent.stop();
    }
    await manager?.stop();
    await Promise.all(clusters.map((c) => c.stop()));
  });

  it('a Rollout naming an unknown release gets a condition saying why and moves no site', async () => {
    await rollout('ghost', { release: 'r-missing' });
    const bad = await waitFor(
      async () => {
        const r = await get('Rollout', 'ghost');
        return statusOf(r).conditions?.some((c) => c.type === 'Valid' && c.status === 'False') && r;
      },
      { what: 'Valid=False', timeoutMs: 20000 },
    );
    assert.match(
      statusOf(bad).conditions?.find((c) => c.type === 'Valid')?.message ?? '',
      /spec\.release: site release r-missing does not exist/,
    );
    assert.ok(
      (await targets()).every((t) => t === undefined),
      'a site was moved by an invalid rollout',
    );
  });

  it('rolls a good release out in waves until every site runs it', async () => {
    await rollout('to-r2', { release: 'r2' });
    await untilPhase('to-r2', 'Succeeded');
    const r = await get('Rollout', 'to-r2');
    assert.deepEqual(
      statusOf(r).waves?.map((w) => [w.name, w.state]),
      [
        ['canary', 'Passed'],
        ['half', 'Passed'],
        ['all', 'Passed'],
      ],
    );
    await waitFor(
      async () =>
        (await listAll(hub.client, 'Site', namespace)).every((s) => statusOf(s).deployedRelease === 'r2'),
      {
        what: 'every site reporting r2',
        timeoutMs: 20000,
      },
    );
  });

  it('stops a bad release inside the canary wave and rolls it back', async () => {
    await rollout('to-bad', { release: 'r-bad' });
    await untilPhase('to-bad', 'RolledBack');
    const t = await targets();
    assert.ok(!t.includes('r-bad'), `a site still targets r-bad: ${t}`);
    const events = await hub.client.core.listNamespacedEvent({
      namespace,
      fieldSelector: 'involvedObject.name=to-bad',
    });
    assert.ok(events.items.some((e) => e.reason === 'RolledBack' && /failed to start/.test(e.message ?? '')));
    const r = await get('Rollout', 'to-bad');
    assert.equal(
      statusOf(r).waves?.find((w) => w.name === 'half')?.state ?? 'Pending',
      'Pending',
      'the rollout went past the canary',
    );
  });

  it('pause holds a rollout and resume lets it finish', async () => {
    await release('r3', '1.3.0');
    await rollout('to-r3', { release: 'r3', paused: true });
    await untilPhase('to-r3', 'Paused');
    assert.ok(!(await targets()).includes('r3'), 'a paused rollout moved a site');
    await rollout('to-r3', { release: 'r3', paused: false });
    await untilPhase('to-r3', 'Succeeded');
  });
});
