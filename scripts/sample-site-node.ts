/**
 * For `npm start` on a machine that runs site nodes: a live site as its real local server. Its
 * own single-node cluster (hub/src/site-node), the images its release names imported into the
 * node's containerd, the stream-accelerator device plugin serving the node stand-in devices
 * (character devices made here, one per card of the site's hardware profile: a real box's
 * plugin finds its cards), and the site agent, which runs the release as pods there and reads
 * the heartbeat from them.
 *
 * What the LocalServer stack declares in the release namespace is written here as the stack
 * would (the license proxy's and the edge's Services, the site-endpoints ConfigMap). This
 * machine's node has no cluster DNS and its Services answer through the node's service proxy, so
 * the license proxy is named by its cluster IP, and what pods reach outside the node goes through
 * relays on the node's bridge (hub/src/site-node/node-relay.ts): the sample origin and the
 * license service; subscribers reach the edge's Service through one on loopback.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { V1Service } from '@kubernetes/client-node';
import {
  type BuiltImage,
  fixedTarget,
  importImage,
  type NodeRelay,
  serviceTarget,
  startNodeRelay,
  startSiteNode,
  stopSiteNode,
  waitForNode,
} from '@smart-fleet/hub';
import { connect, type KubeClient, type Logger, serverSideApply } from '@smart-fleet/kube';
import {
  ACCELERATOR_RESOURCE,
  EDGE_SERVICE,
  type FleetObject,
  imageFor,
  LICENSE_PROXY_SERVICE,
  SITE_ENDPOINTS_CONFIG,
  SITE_SERVICE_PORT_NAME,
  SITE_SERVICE_PORTS,
} from '@smart-fleet/model';
import { releasePodReporting, releaseSelector, SITE_NAMESPACE } from '@smart-fleet/operators';
import { AcceleratorPlugin } from '@smart-fleet/services';

/** The images a sample release names, built once for every live site. */
export type ReleaseImages = Record<'streamingEdge' | 'licenseProxy', BuiltImage>;

export interface SampleSiteNode {
  siteClient: KubeClient;
  kubeconfig: string;
  /** Where subscribers reach the site's edge (its Service, through a loopback relay). */
  edgeUrl: string;
  /** What the agent needs besides its credentials: telemetry, services, the edge's inputs. */
  agent: Pick<ReturnType<typeof releasePodReporting>, 'telemetry' | 'services'> & { originUrls: string[] };
  stop(): Promise<void>;
}

const FIELD_MANAGER = 'smart-fleet-npm-start';

/** The site's stand-in cards: one character device per accelerator (1:3, /dev/null's numbers). */
function standInDevices(dir: string, count: number): string {
  mkdirSync(dir, { recursive: true });
  for (let i = 0; i < count; i++) {
    const path = join(dir, `smart-accel${i}`);
    if (!existsSync(path) && spawnSync('mknod', [path, 'c', '1', '3']).status !== 0) {
      throw new Error(`cannot make the stand-in accelerator ${path} (mknod needs root)`);
    }
  }
  return join(dir, 'smart-accel[0-9]*');
}

/**
 * The Services and endpoints the LocalServer stack declares (stacks/site/release-namespace.ts);
 * the edge pod finds the license proxy's Service in its environment, at the cluster IP the
 * node's service proxy answers at.
 */
async function declareReleaseNamespace(client: KubeClient, licenseUpstreamUrl: string): Promise<void> {
  const apply = (object: object) =>
    serverSideApply(client, object as never, {
      fieldManager: FIELD_MANAGER,
      force: true,
    }) as Promise<V1Service>;
  await apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: SITE_NAMESPACE } });
  for (const service of [EDGE_SERVICE, LICENSE_PROXY_SERVICE]) {
    await apply({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: service, namespace: SITE_NAMESPACE },
      spec: {
        selector: releaseSelector(service),
        ports: SITE_SERVICE_PORTS,
      },
    });
  }
  await apply({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: SITE_ENDPOINTS_CONFIG, namespace: SITE_NAMESPACE },
    data: { LICENSE_UPSTREAM_URL: licenseUpstreamUrl },
  });
}

export async function startSampleSiteNode(o: {
  hubDir: string;
  site: FleetObject;
  /** The node's folder. */
  dir: string;
  images: ReleaseImages;
  /** What the site's parent tier serves it: a distribution origin and the license service. */
  parents: { originUrl: string; licenseServiceUrl: URL | string };
  log: Logger;
  say: (line: string) => void;
}): Promise<SampleSiteNode> {
  const name = o.site.metadata.name;
  const hardware = o.site.spec.hardware as { profile?: string; accelerators: number };
  const node = await startSiteNode({
    hubDir: o.hubDir,
    site: name,
    hardwareProfile: hardware.profile ?? 'custom',
    dir: o.dir,
    log: o.say,
  });
  const relays: NodeRelay[] = [];
  let plugin: AcceleratorPlugin | undefined;
  let reporting: ReturnType<typeof releasePodReporting> | undefined;
  const stop = async () => {
    reporting?.stop();
    await plugin?.stop();
    await Promise.all(relays.map((r) => r.stop()));
    await stopSiteNode(o.dir, o.say);
  };
  try {
    await importImage(node.containerdSocket, o.images.streamingEdge, [imageFor('streamingEdge')]);
    await importImage(node.containerdSocket, o.images.licenseProxy, [imageFor('licenseProxy')]);
    plugin = await AcceleratorPlugin.start({
      devicePluginsDir: node.devicePluginsDir,
      patterns: [standInDevices(join(o.dir, 'stand-in-accelerators'), hardware.accelerators)],
      log: o.log.child({ component: 'accelerator-plugin' }),
    });
    // The box is up once its cards are allocatable: a release sent before would wait on them,
    // and past the agent's grace for an unschedulable pod it would count as failed.
    const cards = String(hardware.accelerators);
    await waitForNode(
      node,
      `${name} to advertise its ${cards} ${ACCELERATOR_RESOURCE} (the device plugin registered)`,
      (n) => n.status?.allocatable?.[ACCELERATOR_RESOURCE] === cards || undefined,
      90000,
    );
    const siteClient = connect(node.kubeconfig);
    const relay = async (
      what: string,
      target: Parameters<typeof startNodeRelay>[0]['target'],
      host = node.network.gateway,
    ) => {
      const started = await startNodeRelay({ host, name: `${name} ${what}`, target, log: o.log });
      relays.push(started);
      return started;
    };
    const origin = await relay('origin', fixedTarget(o.parents.originUrl));
    const license = await relay('license service', fixedTarget(o.parents.licenseServiceUrl));
    const edge = await relay(
      'edge',
      serviceTarget(siteClient, SITE_NAMESPACE, EDGE_SERVICE, SITE_SERVICE_PORT_NAME),
      '127.0.0.1',
    );
    await declareReleaseNamespace(siteClient, license.url);
    reporting = releasePodReporting({ siteClient, node: name, log: o.log });
    await reporting.start();
    return {
      siteClient,
      kubeconfig: node.kubeconfig,
      edgeUrl: edge.url,
      agent: { telemetry: reporting.telemetry, services: reporting.services, originUrls: [origin.url] },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
