/**
 * The site stack's own workloads on a real site node, as `pulumi up` would leave a building's box:
 * what the site program declares (under Pulumi's mocks, the one accepted stand-in) is applied to
 * the node's cluster, with the images we build under the names the stack gives them. The
 * accelerator plugin's DaemonSet becomes Ready and the node advertises the box's card; the site
 * agent's Deployment becomes Ready, registers with the hub with the bootstrap token the stack
 * mounted, keeps its credential on the box's disk (the stack's local volume), and heartbeats from
 * its pod: the site goes Ready at the hub with the card the plugin found. A release the hub rolls
 * out runs as pods the agent (in-cluster, through the `kubernetes` Service) applied, judged and
 * reported on with only the RBAC the stack gave it; one with a streaming edge serves an entitled
 * session a segment, filling from the origin the stack was configured with and admitting with
 * the keys the hub sent in the bundle.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { KubernetesObject } from '@kubernetes/client-node';
import {
  applyInventory,
  buildComponentImages,
  fixedTarget,
  importImage,
  type NodeRelay,
  nodePreflight,
  type SiteNodeInfo,
  startNodeRelay,
  startSiteNode,
  stopSiteNode,
} from '@smart-fleet/hub';
import { connect, type KubeClient, serverSideApply, silentLogger, waitFor } from '@smart-fleet/kube';
import {
  ACCELERATOR_RESOURCE,
  type ComponentImage,
  EDGE_SERVICE,
  imageFor,
  parseInventory,
  SITE_SERVICE_PORTS,
} from '@smart-fleet/model';
import { type Manager, SITE_NAMESPACE, startManager } from '@smart-fleet/operators';
import {
  type EntitlementSigner,
  generateEntitlementSigner,
  type Origin,
  publicKeySet,
} from '@smart-fleet/services';
import { ACCELERATOR_PLUGIN } from '../stacks/site/accelerator-device-plugin.ts';
import { localVolumePath } from '../stacks/site/local-volumes.ts';
import { siteProgram } from '../stacks/site/program.ts';
import { STATE_CLAIM } from '../stacks/site/site-agent.ts';
import { SITE_AGENT } from '../stacks/site/site-agent-access.ts';
import { type DeclaredStack, declareStack, type KubernetesManifest } from '../stacks/testing/declare.ts';
import { siteConfig } from '../stacks/testing/fixtures/stack-configs.ts';
import { editSite, smallFleet, toYaml } from './support/fleet-fixtures.ts';
import { logOf, untilPodsReady } from './support/node-pods.ts';
import { rolloutFixtures } from './support/rollout-fixtures.ts';
import { openSession, SEGMENT, startOneTitleOrigin } from './support/streaming.ts';
import { exportedFigure } from './support/telemetry.ts';
import { type TestHub, testHub, uniqueNamespace } from './support/test-hub.ts';

const skip = nodePreflight().join('; ') || false;
const hubNamespace = uniqueNamespace('site-stack');
/** The stack's own namespace on the box (the agent, the plugin). */
const stackNamespace = 'smart-local-server';
const FIELD_MANAGER = 'smart-fleet-site-stack-test';
/** The stack's workloads and the images they run, by the component each image is built from. */
const STACK_IMAGES: ComponentImage[] = ['agent', 'acceleratorDevicePlugin'];
/** What the releases here run. */
const RELEASE_IMAGES: ComponentImage[] = ['streamingEdge', 'licenseProxy'];
const TITLE = 'harbour-lights';

describe('the site stack on a real site node', { skip }, () => {
  let hub: TestHub;
  let manager: Manager;
  let node: SiteNodeInfo;
  let siteClient: KubeClient;
  let hubRelay: NodeRelay;
  let originRelay: NodeRelay;
  let origin: Origin;
  let signer: EntitlementSigner;
  let stack: DeclaredStack;
  let fx: ReturnType<typeof rolloutFixtures>;
  let site = '';
  const media = mkdtempSync(join(tmpdir(), 'smart-fleet-site-stack-'));
  const volumes = join(media, 'volumes');
  let segment: Buffer;
  // The box's card: the DaemonSet sees the host's /dev, so its stand-in is made there, in a
  // folder of this run's own (the stack's device pattern points at it).
  const cards = join('/dev', `smart-fleet-test-${process.pid}`);

  const untilReady = (namespace: string, app: string) => untilPodsReady(siteClient, namespace, app);
  const logOfApp = (namespace: string, app: string) => logOf(siteClient, namespace, app);
  const sitePhase = async () => {
    const object = (await hub.client.custom.getNamespacedCustomObject({
      group: 'smartfleet.io',
      version: 'v1alpha1',
      namespace: hubNamespace,
      plural: 'sites',
      name: site,
    })) as { status?: { phase?: string } };
    return object.status?.phase;
  };

  before(async () => {
    hub = await testHub();
    fx = rolloutFixtures(hub.client, hubNamespace);
    // An entry box (one card) streaming a fifth of its gigabit: it fits the node's two cores.
    const fleet = editSite(smallFleet(hubNamespace, 1), 0, (s) => {
      Object.assign(s, { hardware: 'entry', subscriberCap: 50, streaming: { egressBudgetMbps: 200 } });
    });
    const inventoryFile = join(media, 'fleet.yaml');
    writeFileSync(inventoryFile, toYaml(fleet));
    const parsed = parseInventory([{ file: 'fleet.yaml', text: toYaml(fleet) }]);
    assert.ok(parsed.inventory, JSON.stringify(parsed.problems));
    await applyInventory(hub.client, parsed.inventory);
    site = parsed.inventory.objects.find((o) => o.kind === 'Site')?.metadata.name ?? '';
    // The hub's entitlement key: the operators hand its public half to the site in its bundle.
    signer = await generateEntitlementSigner('hub-site-stack');
    manager = await startManager({
      client: hub.client,
      namespace: hubNamespace,
      log: silentLogger,
      entitlementKeys: publicKeySet([signer]),
    });
    const bootstrap = await waitFor(
      () =>
        hub.client.core
          .readNamespacedSecret({ name: `${site}-bootstrap`, namespace: hubNamespace })
          .catch(() => undefined),
      { what: `the bootstrap secret of ${site}`, timeoutMs: 30000 },
    );

    node = await startSiteNode({ hubDir: hub.dir, site, hardwareProfile: 'entry', dir: join(media, 'node') });
    siteClient = connect(node.kubeconfig);
    // The box reaches the hub's agents endpoint over its network: here, the node's bridge.
    hubRelay = await startNodeRelay({
      host: node.network.gateway,
      name: 'hub agents endpoint',
      target: fixedTarget(manager.ingestUrl),
      log: silentLogger,
    });
    // The parent tier's distribution origin with one title, reached over the box's network.
    ({ origin, segment } = await startOneTitleOrigin(media, TITLE));
    originRelay = await startNodeRelay({
      host: node.network.gateway,
      name: 'distribution origin',
      target: fixedTarget(origin.url),
      log: silentLogger,
    });
    mkdirSync(cards, { recursive: true });
    assert.equal(spawnSync('mknod', [join(cards, 'smart-accel0'), 'c', '1', '3']).status, 0, 'mknod a card');
    stack = await declareStack(
      siteProgram,
      siteConfig({
        namespace: stackNamespace,
        overrides: {
          inventory: inventoryFile,
          site,
          hubUrl: hubRelay.url,
          'agent.bootstrapToken': Buffer.from(bootstrap.data?.token ?? '', 'base64').toString(),
          'agent.heartbeatSeconds': '1',
          'storage.localPath': volumes,
          'accelerators.devicePatterns': JSON.stringify([join(cards, 'smart-accel[0-9]*')]),
          'edge.serviceType': 'ClusterIP',
          'edge.originUrl': originRelay.url,
        },
      }),
    );
    // The box's installer makes the volumes' folders (the kubelet does not).
    for (const claim of stack.kubernetesObjects().filter((o) => o.kind === 'PersistentVolume')) {
      mkdirSync(localVolumePath(volumes, claim.metadata), { recursive: true });
    }
    const images = await buildComponentImages([...STACK_IMAGES, ...RELEASE_IMAGES], {
      log: (l) => console.error(l),
    });
    for (const component of [...STACK_IMAGES, ...RELEASE_IMAGES]) {
      await importImage(node.containerdSocket, images[component], [imageFor(component)]);
    }
    // What `pulumi up` does: the namespaces, then everything else, in the order declared.
    const objects = stack.kubernetesObjects();
    const first = (o: KubernetesManifest) => (o.kind === 'Namespace' ? 0 : 1);
    for (const object of [...objects].sort((a, b) => first(a) - first(b))) {
      await serverSideApply(siteClient, object as KubernetesObject, {
        fieldManager: FIELD_MANAGER,
        force: true,
      });
    }
  });

  after(async () => {
    await hubRelay?.stop();
    await originRelay?.stop();
    await origin?.stop();
    await stopSiteNode(join(media, 'node'), () => {});
    await manager?.stop();
    rmSync(cards, { recursive: true, force: true });
    rmSync(media, { recursive: true, force: true });
  });

  it('runs the images the stack names, the ones we build', () => {
    const declared = (kind: string, name: string) =>
      (stack.object(kind, name, stackNamespace).spec as any).template.spec.containers[0].image as string;
    assert.equal(declared('DaemonSet', ACCELERATOR_PLUGIN), imageFor('acceleratorDevicePlugin'));
    assert.equal(declared('Deployment', SITE_AGENT), imageFor('agent'));
  });

  it("runs the accelerator plugin's DaemonSet, and the node advertises the box's card", async () => {
    await untilReady(stackNamespace, ACCELERATOR_PLUGIN);
    const allocatable = await waitFor(
      async () => {
        const n = await siteClient.core.readNode({ name: site });
        return n.status?.allocatable?.[ACCELERATOR_RESOURCE] === '1' && n.status.allocatable;
      },
      { what: `the node to advertise one ${ACCELERATOR_RESOURCE}`, timeoutMs: 60000 },
    ).catch(async (error: Error) => {
      throw new Error(`${error.message}\n${await logOfApp(stackNamespace, ACCELERATOR_PLUGIN)}`);
    });
    assert.equal(allocatable[ACCELERATOR_RESOURCE], '1');
  });

  it('runs the site agent, which registers with the hub and heartbeats from its pod', async () => {
    const [agent] = await untilReady(stackNamespace, SITE_AGENT);
    assert.equal(agent?.spec?.nodeName, site);
    await waitFor(async () => (await sitePhase()) === 'Ready', {
      what: `${site} Ready at the hub from the agent pod's heartbeats`,
      timeoutMs: 90000,
    }).catch(async (error: Error) => {
      throw new Error(`${error.message}\n${await logOfApp(stackNamespace, SITE_AGENT)}`);
    });
    // Its credential is on the box's disk, where the next agent pod finds it.
    const claim = await siteClient.core.readNamespacedPersistentVolumeClaim({
      name: STATE_CLAIM,
      namespace: stackNamespace,
    });
    assert.equal(claim.status?.phase, 'Bound');
    assert.equal(claim.spec?.volumeName, STATE_CLAIM);
    // The card the plugin found, read by the agent from its Node (the stack's RBAC allows it).
    await waitFor(async () => (await exportedFigure(manager.metricsUrl, site, 'acceleratorsHealthy')) === 1, {
      what: "the plugin's card in the agent's heartbeat",
      timeoutMs: 30000,
    });
  });

  it('runs a release the hub rolls out as pods, judged by the agent with the RBAC the stack gave it', async () => {
    await fx.release('proxy-only', '1.0.0', {
      services: [{ name: 'license-proxy', image: imageFor('licenseProxy') }],
    });
    await fx.rollout('to-proxy-only', {
      release: 'proxy-only',
      canarySites: 1,
      waves: [{ name: 'all', percent: 100, maxUnavailable: 1 }],
    });
    const [proxy] = await untilReady(SITE_NAMESPACE, 'license-proxy');
    assert.equal(proxy?.spec?.nodeName, site);
    await fx.untilPhase('to-proxy-only', 'Succeeded', 90000);
    assert.equal((await fx.deployed()).get(site), 'proxy-only');
  });

  it("runs a release's streaming edge, which fills from the stack's origin and admits with the hub's keys", async () => {
    await fx.release('edge-and-proxy', '2.0.0', {
      services: [
        { name: 'streaming-edge', image: imageFor('streamingEdge') },
        { name: 'license-proxy', image: imageFor('licenseProxy') },
      ],
    });
    await fx.rollout('to-edge-and-proxy', {
      release: 'edge-and-proxy',
      canarySites: 1,
      waves: [{ name: 'all', percent: 100, maxUnavailable: 1 }],
    });
    const [edge] = await untilReady(SITE_NAMESPACE, EDGE_SERVICE).catch(async (error: Error) => {
      throw new Error(`${error.message}\n${await logOfApp(stackNamespace, SITE_AGENT)}`);
    });
    assert.equal(edge?.spec?.containers[0]?.resources?.limits?.[ACCELERATOR_RESOURCE], '1', "the box's card");
    await fx.untilPhase('to-edge-and-proxy', 'Succeeded', 120000);
    // A subscriber in the building reaches the edge at its Service (the stack's, ClusterIP here).
    const service = await siteClient.core.readNamespacedService({
      name: EDGE_SERVICE,
      namespace: SITE_NAMESPACE,
    });
    const edgeUrl = `http://${service.spec?.clusterIP}:${SITE_SERVICE_PORTS[0]?.port}`;
    const session = await openSession(edgeUrl, signer, { site, title: TITLE });
    assert.equal(session.status, 201, `the hub's key admits: ${JSON.stringify(session.body)}`);
    const served = await fetch(`${edgeUrl}${session.prefix}/${TITLE}/${SEGMENT}`);
    assert.equal(served.status, 200, "filled from the stack's origin");
    assert.deepEqual(Buffer.from(await served.arrayBuffer()), segment);
  });
});
