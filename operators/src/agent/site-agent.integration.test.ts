import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { AppsV1Api } from '@kubernetes/client-node';
import { applyInventory, type ExtraApiserver, freePort, startExtraApiserver } from '@smart-fleet/hub';
import { connect, type KubeClient, listAll, serverSideApply, silentLogger, waitFor } from '@smart-fleet/kube';
import { GROUP_VERSION, parseInventory, TELEMETRY_METRICS } from '@smart-fleet/model';
import {
  type EntitlementSigner,
  entitlementKeys,
  generateEntitlementSigner,
  issueEntitlement,
  Origin,
  publicKeySet,
  SiteEdge,
} from '@smart-fleet/services';
import { CuttableProxy } from '../../../test/support/cuttable-proxy.ts';
import { smallFleet, toYaml } from '../../../test/support/fleet-fixtures.ts';
import { assignRelease } from '../../../test/support/live-sites.ts';
import { calmTelemetry } from '../../../test/support/telemetry.ts';
import { type TestHub, testHub, uniqueNamespace } from '../../../test/support/test-hub.ts';
import { type TestPrometheus, testPrometheus } from '../../../test/support/test-prometheus.ts';
import { type Manager, startManager } from '../manager.ts';
import { syntheticCatalog } from '../placement/synthetic-catalog.ts';
import { SITE_NAMESPACE } from './render.ts';
import { SiteAgent } from './site-agent.ts';
import { edgeServices } from './site-services.ts';

describe('the site agent, with its own cluster, against the hub', () => {
  let hub: TestHub;
  let prometheus: TestPrometheus;
  let manager: Manager;
  let siteCluster: ExtraApiserver;
  let siteClient: KubeClient;
  let proxy: CuttableProxy;
  let agent: SiteAgent;
  let origin: Origin;
  let edge: SiteEdge;
  let signer: EntitlementSigner;
  const media = mkdtempSync(join(tmpdir(), 'agent-media-'));
  const library = join(media, 'library');
  /** Puts a placed title in the origin's library as the packager would lay it out: a manifest, a directory per rendition. */
  const publish = (title: string, renditions: readonly string[]) => {
    mkdirSync(join(library, title), { recursive: true });
    writeFileSync(
      join(library, title, 'packaged.json'),
      JSON.stringify({ renditions: renditions.map((name, i) => ({ name, targetMbps: 2 + i })) }),
    );
    for (const r of renditions) {
      mkdirSync(join(library, title, r), { recursive: true });
      writeFileSync(
        join(library, title, r, 'segment-0.ts'),
        Buffer.alloc(1_200_000, title.length + r.length),
      );
    }
  };
  const namespace = uniqueNamespace('agent');
  let site = '';

  const release = (name: string, services: string[]) =>
    serverSideApply(
      hub.client,
      {
        apiVersion: GROUP_VERSION,
        kind: 'SiteRelease',
        metadata: { name, namespace },
        spec: {
          version: `1.0.${name.length}`,
          services: services.map((s) => ({ name: s, image: `smart/${s}:${name}` })),
        },
      } as never,
      { fieldManager: 'test' },
    );
  /** Moves the site to a release as a rollout would: its ReleaseAssignment. */
  const target = async (name: string) => {
    const live = (await listAll(hub.client, 'Site', namespace)).find((s) => s.metadata?.name === site);
    await assignRelease(hub.client, { name: site, namespace, uid: live?.metadata?.uid }, name);
  };
  const deployments = async () =>
    (
      await siteClient.kc
        .makeApiClient(AppsV1Api)
        .listNamespacedDeployment({ namespace: SITE_NAMESPACE })
        .catch(() => ({ items: [] }))
    ).items
      .map((d) => `${d.metadata?.name}@${d.metadata?.labels?.['smartfleet.io/release']}`)
      .sort();

  before(async () => {
    [hub, prometheus] = await Promise.all([testHub(), testPrometheus()]);
    siteCluster = await startExtraApiserver({ hubDir: hub.dir, name: namespace, port: await freePort() });
    siteClient = connect(siteCluster.kubeconfig);
    const parsed = parseInventory([{ file: 'fleet.yaml', text: toYaml(smallFleet(namespace, 2)) }]);
    assert.ok(parsed.inventory);
    await applyInventory(hub.client, parsed.inventory);
    site = parsed.inventory.objects.find((o) => o.kind === 'Site')?.metadata.name ?? '';
    for (const title of syntheticCatalog({ titles: 6, seed: 9, namespace })) {
      await serverSideApply(hub.client, title as never, { fieldManager: 'test' });
    }
    await release('r1', ['streaming-edge', 'cache', 'license-proxy']);
    await release('r2', ['streaming-edge', 'license-proxy']);
    signer = await generateEntitlementSigner('hub-test');
    manager = await startManager({
      client: hub.client,
      namespace,
      log: silentLogger,
      prometheus: { url: prometheus.url, outOfOrderWindowMs: prometheus.outOfOrderWindowMs },
      entitlementKeys: publicKeySet([signer]),
    });
    const secret = await waitFor(
      () =>
        hub.client.core.readNamespacedSecret({ name: `${site}-bootstrap`, namespace }).catch(() => undefined),
      { what: 'bootstrap secret', timeoutMs: 20000 },
    );
    origin = await Origin.start({
      dir: join(media, 'origin'),
      libraryDir: library,
      host: '127.0.0.1',
      port: 0,
    });
    // Started with a key of its own: the hub's reaches it in the bundle.
    edge = await SiteEdge.start(
      {
        dir: join(media, 'edge'),
        host: '127.0.0.1',
        port: 0,
        site,
        entitlementKeys: entitlementKeys(publicKeySet([await generateEntitlementSigner('edge-start')])),
        licenseProxy: '127.0.0.1:9',
        maxStreamsPerSubscriber: 4,
        fillRateMBps: 200,
        log: silentLogger,
      },
      { egressBudgetMbps: 4000, originUrls: [origin.url], titles: [] },
    );
    proxy = new CuttableProxy(manager.ingestUrl);
    await proxy.restore();
    agent = new SiteAgent({
      hubUrl: proxy.url,
      namespace,
      site,
      stateDir: mkdtempSync(join(tmpdir(), 'agent-')),
      siteClient,
      bootstrapToken: Buffer.from(secret.data?.token ?? '', 'base64').toString(),
      telemetry: () => calmTelemetry,
      log: silentLogger,
      heartbeatMs: 300,
      bufferLimit: 1000,
      services: edgeServices(edge, [origin.url]),
      edge: { originUrls: [origin.url] },
      fillAnytime: true, // the test runs at any hour; the off-peak gate is unit-tested with the window arithmetic
      runningWhen: 'applied', // a cluster with no node: what runs on a real one is test/site-release-pods.e2e.test.ts
    });
  });

  after(async () => {
    agent?.stop();
    await edge?.stop();
    await origin?.stop();
    rmSync(media, { recursive: true, force: true });
    await proxy?.cut();
    await manager?.stop();
    await siteCluster?.stop();
  });

  it('registers, pulls its release and applies it to the site cluster; the hub sees it running', async () => {
    await target('r1');
    await agent.start();
    await waitFor(
      async () => (await deployments()).join() === 'cache@r1,license-proxy@r1,streaming-edge@r1',
      {
        what: 'r1 on the site cluster',
        timeoutMs: 20000,
      },
    );
    const values = await siteClient.core.readNamespacedConfigMap({
      name: 'site-values',
      namespace: SITE_NAMESPACE,
    });
    assert.equal(values.data?.site, site);
    // The hub's entitlement keys came in the bundle, for the edge pod to admit sessions with.
    const keys = await siteClient.core.readNamespacedConfigMap({
      name: 'entitlement-keys',
      namespace: SITE_NAMESPACE,
    });
    assert.deepEqual(
      (JSON.parse(keys.data?.['jwks.json'] ?? '{}') as { keys: { kid: string }[] }).keys.map((k) => k.kid),
      [signer.kid],
    );
    // And the edge in this process verifies with them in place of the key it was started with.
    const token = await issueEntitlement(signer, {
      subscriber: 'ann',
      tenant: 'acme',
      title: 'not-placed',
      site,
      kids: ['5f0c3d52-4a8e-4b8e-9b1e-2d7b9f3c1a01'],
      ttlSeconds: 60,
    });
    const opened = await fetch(`${edge.url}/sessions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'not-placed' }),
    });
    assert.notEqual(opened.status, 401, `the hub's key verifies: ${await opened.text()}`);
    await waitFor(
      async () =>
        (
          (await listAll(hub.client, 'Site', namespace)).find((s) => s.metadata?.name === site) as {
            status?: { deployedRelease?: string };
          }
        )?.status?.deployedRelease === 'r1',
      { what: 'the hub to see r1 running', timeoutMs: 20000 },
    );
  });

  it('pre-positions its content placement from the origin and the hub tracks the fill to Filled', async () => {
    const planned = await waitFor(
      async () =>
        (
          (await listAll(hub.client, 'ContentPlacement', namespace)).find((x) => x.metadata?.name === site) as
            | { spec?: { titles?: { title: string; renditions: string[] }[] } }
            | undefined
        )?.spec?.titles,
      { what: 'the placement', timeoutMs: 30000, intervalMs: 250 },
    );
    for (const t of planned) {
      publish(t.title, t.renditions);
    }
    const placement = await waitFor(
      async () => {
        const p = (await listAll(hub.client, 'ContentPlacement', namespace)).find(
          (x) => x.metadata?.name === site,
        ) as { status?: { state?: string; filledMB?: number; plannedMB?: number } } | undefined;
        return p?.status?.state === 'Filled' && p;
      },
      { what: 'the placement Filled', timeoutMs: 30000, intervalMs: 250 },
    );
    // 1.2 MB per placed rendition, counted from the bytes on the edge's disk.
    const renditions = planned.reduce((n, t) => n + t.renditions.length, 0);
    assert.equal(
      placement.status?.plannedMB,
      Math.floor((renditions * 1_200_000 + planned.length * 60) / 1e6),
    );
    assert.equal(placement.status?.filledMB, placement.status?.plannedMB);
    assert.equal(edge.fill().titlesComplete, planned.length);
    const onSite = await siteClient.core.readNamespacedConfigMap({
      name: 'content-placement',
      namespace: SITE_NAMESPACE,
    });
    assert.ok((JSON.parse(onSite.data?.['placement.json'] ?? '{}') as { titles?: unknown[] }).titles?.length);
  });

  it('applies a new release and prunes what it no longer has', async () => {
    await target('r2');
    await waitFor(async () => (await deployments()).join() === 'license-proxy@r2,streaming-edge@r2', {
      what: 'r2 on the site cluster, cache pruned',
      timeoutMs: 20000,
    });
  });

  it('serves on while the hub is unreachable, buffers telemetry on disk and replays all of it into Prometheus', async () => {
    const before = await deployments();
    await proxy.cut();
    await waitFor(async () => agent.bufferedSamples >= 5, {
      what: 'five buffered samples',
      timeoutMs: 20000,
    });
    assert.deepEqual(await deployments(), before, 'the site cluster changed while the hub was away');
    assert.equal(agent.runningRelease, 'r2');
    const pending = agent.buffered().map((s) => s.at);
    await proxy.restore();
    await waitFor(async () => agent.bufferedSamples === 0, { what: 'the buffer to drain', timeoutMs: 20000 });
    const stored = await prometheus.range(
      `${TELEMETRY_METRICS.activeStreams}{namespace="${namespace}",site="${site}",replay="true"}[10m]`,
    );
    const history = new Set(stored.map(([t]) => Math.round(t * 1000)));
    const lost = pending.filter((at) => !history.has(at));
    console.log(`# ${pending.length} samples buffered during the outage, ${lost.length} lost after replay`);
    assert.deepEqual(lost, []);
  });
});
