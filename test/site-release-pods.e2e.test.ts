/**
 * A site's releases run as pods on a real site node, and the rollout acts on what they do: the
 * hub's operators roll a release (the streaming edge and the license proxy, from the images we
 * build) to a site whose agent applies it to the node's cluster and reports it running only once
 * its pods are Ready; the edge pod, given its plan and the hub's keys by the agent, admits an
 * entitled session and serves a segment it fills from a distribution origin. A release whose
 * edge exits is caught in the canary wave with the kubelet's reason, rolled back, and the
 * previous release's pods run again. The heartbeat's figures come from those pods (the edge's
 * status port, the node's healthy accelerators), not from an edge in the agent's process.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { V1Pod } from '@kubernetes/client-node';
import { applyInventory, buildComponentImages, nodePreflight } from '@smart-fleet/hub';
import { type KubeClient, silentLogger, waitFor } from '@smart-fleet/kube';
import { imageFor, parseInventory } from '@smart-fleet/model';
import { type Manager, SITE_NAMESPACE, SiteAgent, startManager } from '@smart-fleet/operators';
import {
  type EntitlementSigner,
  generateEntitlementSigner,
  type Origin,
  publicKeySet,
} from '@smart-fleet/services';
import { type SampleSiteNode, startSampleSiteNode } from '../scripts/sample-site-node.ts';
import { editSite, smallFleet, toYaml } from './support/fleet-fixtures.ts';
import { isReady, stuckPod } from './support/node-pods.ts';
import { rolloutFixtures, statusOf } from './support/rollout-fixtures.ts';
import { openSession, SEGMENT, startOneTitleOrigin } from './support/streaming.ts';
import { exportedFigure } from './support/telemetry.ts';
import { type TestHub, testHub, uniqueNamespace } from './support/test-hub.ts';

const skip = nodePreflight().join('; ') || false;
const namespace = uniqueNamespace('release-pods');
const TITLE = 'harbour-lights';

describe('site releases as pods on a real site node', { skip }, () => {
  let hub: TestHub;
  let manager: Manager;
  let node: SampleSiteNode;
  let siteClient: KubeClient;
  let agent: SiteAgent;
  let origin: Origin;
  let signer: EntitlementSigner;
  let fx: ReturnType<typeof rolloutFixtures>;
  let site = '';
  const media = mkdtempSync(join(tmpdir(), 'smart-fleet-release-pods-'));
  let segment: Buffer;

  /** A release of the edge and the license proxy, as an operator writes one; `edge` adds settings. */
  const release = (name: string, version: string, edge: Record<string, string> = {}) =>
    fx.release(name, version, {
      services: [
        { name: 'streaming-edge', image: imageFor('streamingEdge'), settings: edge },
        { name: 'license-proxy', image: imageFor('licenseProxy') },
      ],
    });

  const edgePods = async (): Promise<V1Pod[]> =>
    (
      await siteClient.core.listNamespacedPod({
        namespace: SITE_NAMESPACE,
        labelSelector: 'app.kubernetes.io/name=streaming-edge',
      })
    ).items.filter((p) => !p.metadata?.deletionTimestamp);
  const deployedRelease = async () => (await fx.deployed()).get(site);
  const stuck = (pods: V1Pod[]) => stuckPod(siteClient, pods);

  before(async () => {
    hub = await testHub();
    fx = rolloutFixtures(hub.client, namespace);
    // The entry box (one accelerator), streaming a fifth of its gigabit: the release fits the
    // two cores this machine's node has.
    const fleet = editSite(smallFleet(namespace, 1), 0, (s) => {
      Object.assign(s, { hardware: 'entry', subscriberCap: 50, streaming: { egressBudgetMbps: 200 } });
    });
    const parsed = parseInventory([{ file: 'fleet.yaml', text: toYaml(fleet) }]);
    assert.ok(parsed.inventory, JSON.stringify(parsed.problems));
    await applyInventory(hub.client, parsed.inventory);
    const siteObject = parsed.inventory.objects.find((o) => o.kind === 'Site');
    assert.ok(siteObject);
    site = siteObject.metadata.name;
    await release('v1', '1.0.0');
    // It exits at start, refusing its setting: a broken release.
    await release('v2', '2.0.0', { FILL_RATE_MBPS: '0' });

    // A title on a distribution origin: the parent the edge pod fills from.
    ({ origin, segment } = await startOneTitleOrigin(media, TITLE, 1_500_000));
    // The node as npm start makes a live site's: images imported, one stand-in card, the
    // stack's Services and endpoints, relays for what its pods reach.
    node = await startSampleSiteNode({
      hubDir: hub.dir,
      site: siteObject,
      dir: join(media, 'node'),
      images: await buildComponentImages(['streamingEdge', 'licenseProxy'], { log: (l) => console.error(l) }),
      parents: { originUrl: origin.url, licenseServiceUrl: 'http://127.0.0.1:9' },
      log: silentLogger,
      say: () => {},
    });
    siteClient = node.siteClient;
    signer = await generateEntitlementSigner('hub-release-pods');
    manager = await startManager({
      client: hub.client,
      namespace,
      log: silentLogger,
      entitlementKeys: publicKeySet([signer]),
    });
    const secret = await waitFor(
      () =>
        hub.client.core.readNamespacedSecret({ name: `${site}-bootstrap`, namespace }).catch(() => undefined),
      { what: `the bootstrap secret of ${site}`, timeoutMs: 30000 },
    );
    agent = new SiteAgent({
      hubUrl: manager.ingestUrl,
      namespace,
      site,
      stateDir: join(media, 'agent'),
      siteClient,
      bootstrapToken: Buffer.from(secret.data?.token ?? '', 'base64').toString(),
      telemetry: node.agent.telemetry,
      services: node.agent.services,
      log: silentLogger,
      heartbeatMs: 1000,
      edge: { originUrls: node.agent.originUrls },
      fillAnytime: true,
    });
    await agent.start();
  });

  after(async () => {
    agent?.stop();
    await manager?.stop();
    await node?.stop();
    await origin?.stop();
    rmSync(media, { recursive: true, force: true });
  });

  it('counts a release running once its pods are Ready on the node, and not before', async () => {
    await fx.rollout('to-v1', {
      release: 'v1',
      canarySites: 1,
      waves: [{ name: 'all', percent: 100, maxUnavailable: 1 }],
    });
    // Until the kubelet says the edge is Ready the site does not report v1.
    const applied = await waitFor(async () => ((await edgePods()).length > 0 ? edgePods() : undefined), {
      what: 'the edge pod created on the node',
      timeoutMs: 60000,
    });
    if (!applied.every(isReady)) {
      assert.notEqual(await deployedRelease(), 'v1', 'reported running before its pods were Ready');
    }
    let why: string | undefined;
    await waitFor(
      async () => {
        const pods = await edgePods();
        why = await stuck(pods);
        return pods.length > 0 && pods.every(isReady);
      },
      { what: 'the edge pod Ready', timeoutMs: 180000, abortReason: () => why },
    );
    await fx.untilPhase('to-v1', 'Succeeded', 60000);
    assert.equal(await deployedRelease(), 'v1');
    const [edge] = await edgePods();
    assert.ok(edge && isReady(edge));
    assert.equal(edge.spec?.nodeName, site, 'scheduled on the site node');
    assert.equal(edge.spec?.containers[0]?.resources?.limits?.['smartfleet.io/stream-accelerator'], '1');
  });

  it("serves an entitled session's segment from the edge pod, filled from the origin", async () => {
    // Subscribers' way in: the edge's Service (through npm start's loopback relay).
    const edgeUrl = node.edgeUrl;
    const session = await openSession(edgeUrl, signer, { site, title: TITLE });
    assert.equal(session.status, 201, JSON.stringify(session.body));
    const served = await fetch(`${edgeUrl}${session.prefix}/${TITLE}/${SEGMENT}`);
    assert.equal(served.status, 200);
    assert.deepEqual(Buffer.from(await served.arrayBuffer()), segment);
    // The hub hears of the session from the pod's own reading, and of the node's one card.
    const exported = (field: Parameters<typeof exportedFigure>[2]) =>
      exportedFigure(manager.metricsUrl, site, field);
    await waitFor(async () => (await exported('activeStreams')) === 1, {
      what: "the edge pod's open session in the heartbeat",
      timeoutMs: 30000,
    });
    assert.equal(await exported('acceleratorsHealthy'), 1);
    const refused = await openSession(edgeUrl, signer, { site: 'apt-elsewhere-00001', title: TITLE });
    assert.equal(refused.status, 403, "the pod's edge was told which site it is");
  });

  it('catches a release whose edge exits in the canary wave, and runs the previous pods again', async () => {
    const before = (await edgePods()).map((p) => p.metadata?.uid);
    await fx.rollout('to-v2', {
      release: 'v2',
      canarySites: 1,
      waves: [{ name: 'all', percent: 100, maxUnavailable: 1 }],
    });
    const rolled = await fx.untilPhase('to-v2', 'RolledBack', 240000);
    const progressing = statusOf(rolled).conditions?.find((c) => c.type === 'Progressing');
    assert.equal(progressing?.reason, 'ReleaseFailed');
    assert.match(
      progressing?.message ?? '',
      new RegExp(`site ${site} reports release v2 failed: .*CrashLoopBackOff`),
    );
    assert.match(progressing?.message ?? '', /exited with code 2/);
    assert.deepEqual(
      statusOf(rolled)
        .waves?.map((w) => w.name)
        .slice(0, 1),
      ['canary'],
    );
    const back = await waitFor(
      async () => {
        const pods = await edgePods();
        return (await deployedRelease()) === 'v1' && pods.length === 1 && pods.every(isReady) && pods;
      },
      { what: 'v1 Ready on the node again', timeoutMs: 180000, intervalMs: 500 },
    );
    assert.notDeepEqual(
      back.map((p) => p.metadata?.uid),
      before,
      'the v1 pods are new ones: v2 really replaced them first',
    );
    const settings = await siteClient.core.readNamespacedConfigMap({
      name: 'streaming-edge-settings',
      namespace: SITE_NAMESPACE,
    });
    assert.deepEqual(settings.data ?? {}, {}, "v1's settings are back");
  });
});
