/**
 * The sample fleet as `npm start` runs it, and as the end-to-end tests run it on their own hub:
 * the inventory applied, the operators started, the data plane's wide-area part (a sample title
 * packaged under the keys the DRM key controller made, an origin, the license service), two
 * apartment sites live with real agents, clusters and streaming edges of their own, and a first
 * release rolled out to those two by a real Rollout (so the fleet shows a release running, a
 * finished rollout and its waves). The other sample sites wait in Provisioning, each with its
 * bootstrap credential, for an agent.
 *
 * Where this machine runs site nodes (root, cgroup v1: hub/src/site-node/node-preflight.ts), each
 * live site is a real node and the release's edge and license proxy run there as pods; it is
 * built and its images imported on the first start (minutes). The live sites are entry boxes
 * (inventory/sample-fleet.yaml), whose release fits the cores of one machine.
 */

import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  applyInventory,
  buildComponentImages,
  formatSummary,
  hubReferences,
  ProgressLine,
  prepareSiteNodes,
  readInventoryFiles,
} from '@smart-fleet/hub';
import { type KubeClient, type Logger, listAll, serverSideApply, waitFor } from '@smart-fleet/kube';
import { type FleetObject, GROUP_VERSION, imageFor, parseInventory } from '@smart-fleet/model';
import { type Manager, type ManagerOptions, startManager } from '@smart-fleet/operators';
import { publicKeySet } from '@smart-fleet/services';
import { type LiveSite, type SampleAgents, startSampleAgents } from './sample-agents.ts';
import { type SampleDataPlane, sampleEntitlementSigner, startSampleDataPlane } from './sample-data-plane.ts';
import type { ReleaseImages } from './sample-site-node.ts';

export const SAMPLE_FLEET = fileURLToPath(new URL('../inventory/sample-fleet.yaml', import.meta.url));
/** On the sites `npm start` runs agents for; the sample release's rollout selects it. */
export const LIVE_SAMPLE_LABEL = 'smartfleet.io/live-sample';
export const SAMPLE_RELEASE = 'site-1-0-0';
const MANAGER = 'smart-fleet-sample';

export interface SampleFleetOptions {
  client: KubeClient;
  /** The local hub's directory: live agents need its etcd. Without it, no site is live. */
  hubDir?: string;
  /** Where the data plane keeps its library and keys; `<hubDir>/data-plane` unless given (tests). */
  dataPlaneDir?: string;
  /** Apply the sample into this namespace instead of the inventory's own (tests). */
  namespace?: string;
  /** Where agents keep their credentials (tests); the hub's `agents/` otherwise. */
  agentStateRoot?: string;
  log: Logger;
  /** One line per step, for a terminal. */
  say?: (line: string) => void;
  operators?: Partial<ManagerOptions>;
  /** Live sites on real nodes where this machine can run them (default); false: never. */
  siteNodes?: boolean;
}

export interface SampleFleet {
  namespace: string;
  operators: Manager;
  liveSites: LiveSite[];
  /** The wide-area data plane, when sites are live. */
  dataPlane?: SampleDataPlane;
  stop(): Promise<void>;
}

function sampleInventory(namespace?: string) {
  const [input] = readInventoryFiles([SAMPLE_FLEET]);
  if (!input) {
    throw new Error(`cannot read ${SAMPLE_FLEET}`);
  }
  const text = namespace
    ? input.text.replace(/^kind: Inventory$/m, `kind: Inventory\nnamespace: ${namespace}`)
    : input.text;
  return { ...input, text };
}

/** Labels the live sites and rolls the sample release out to them (idempotent: server-side apply). */
async function rollOutSampleRelease(client: KubeClient, namespace: string, live: readonly FleetObject[]) {
  const apply = (object: object) =>
    serverSideApply(client, object as never, { fieldManager: MANAGER, force: true });
  for (const site of live) {
    await apply({
      apiVersion: GROUP_VERSION,
      kind: 'Site',
      metadata: { name: site.metadata.name, namespace, labels: { [LIVE_SAMPLE_LABEL]: 'true' } },
    });
  }
  await apply({
    apiVersion: GROUP_VERSION,
    kind: 'SiteRelease',
    metadata: { name: SAMPLE_RELEASE, namespace },
    spec: {
      version: '1.0.0',
      channel: 'stable',
      services: [
        {
          name: 'streaming-edge',
          image: imageFor('streamingEdge'),
          settings: { MAX_SESSIONS: '200' },
        },
        { name: 'license-proxy', image: imageFor('licenseProxy') },
      ],
      notes: 'The sample fleet’s first release, rolled out by npm start to its live sites.',
    },
  });
  await apply({
    apiVersion: GROUP_VERSION,
    kind: 'Rollout',
    metadata: { name: `${SAMPLE_RELEASE}-live-sites`, namespace },
    spec: {
      release: SAMPLE_RELEASE,
      selector: { matchLabels: { [LIVE_SAMPLE_LABEL]: 'true' } },
      canarySites: 1,
      waves: [{ name: 'rest', percent: 100, maxUnavailable: 1 }],
      healthGate: { bakeSeconds: 10 },
      respectMaintenanceWindows: false,
    },
  });
}

/**
 * What the live sites' data plane needs: the KEK the DRM key controller seals with, a folder, and
 * the hub's entitlement signer, made first since the operators give its public key to every site.
 * None without a hub folder and a KEK.
 */
async function dataPlaneParts(o: SampleFleetOptions) {
  const kek = o.operators?.drm;
  if (!o.hubDir || !kek) {
    return undefined;
  }
  const dir = o.dataPlaneDir ?? join(o.hubDir, 'data-plane');
  return { dir, kek, signer: await sampleEntitlementSigner(dir) };
}

export async function startSampleFleet(o: SampleFleetOptions): Promise<SampleFleet> {
  const say = o.say ?? (() => {});
  const { inventory, problems } = parseInventory([sampleInventory(o.namespace)], {
    existing: await hubReferences(o.client),
  });
  if (!inventory) {
    throw new Error(`the sample fleet has problems: ${problems.map((p) => p.message).join('; ')}`);
  }
  const progress = new ProgressLine('[fleet] sample fleet applied');
  const summary = await applyInventory(o.client, inventory, { onProgress: (c) => progress.update(c) });
  say(`[fleet] sample fleet: ${formatSummary(summary)}`);
  const plane = await dataPlaneParts(o);
  const operators = await startManager({
    client: o.client,
    log: o.log,
    ...o.operators,
    ...(plane ? { entitlementKeys: publicKeySet([plane.signer]) } : {}),
  });
  const live = inventory.objects
    .filter((s) => s.kind === 'Site' && s.spec.kind === 'apartment-complex')
    .slice(0, 2);
  let dataPlane: SampleDataPlane | undefined;
  let agents: SampleAgents | undefined;
  try {
    if (o.hubDir && plane) {
      dataPlane = await startSampleDataPlane({
        client: o.client,
        namespace: inventory.namespace,
        ...plane,
        log: o.log,
        say,
      });
      agents = await startSampleAgents({
        client: o.client,
        hubDir: o.hubDir,
        ingestUrl: operators.ingestUrl,
        sites: live,
        dataPlane,
        stateRoot: o.agentStateRoot,
        nodes: o.siteNodes === false ? undefined : await releaseImages(say),
        log: o.log,
        say,
      });
      await rollOutSampleRelease(o.client, inventory.namespace, live);
      say(
        `[fleet] live sites ${agents.sites.map((s) => s.site).join(', ')}: agents started, release ${SAMPLE_RELEASE} rolling out to them`,
      );
      await awaitSampleRollout(o.client, inventory.namespace, say);
    }
  } catch (error) {
    await agents?.stop();
    await dataPlane?.stop();
    await operators.stop();
    throw error;
  }
  return {
    namespace: inventory.namespace,
    operators,
    liveSites: agents?.sites ?? [],
    dataPlane,
    async stop() {
      await agents?.stop();
      await dataPlane?.stop();
      await operators.stop();
    },
  };
}

/** The sample release's images, built for the live sites' nodes; undefined where no node can run. */
async function releaseImages(say: (line: string) => void): Promise<ReleaseImages | undefined> {
  const missing = await prepareSiteNodes(say);
  if (missing.length > 0) {
    say(
      `[fleet] live sites run their edges in this process, on clusters with no node: this machine lacks ${missing.join('; ')}`,
    );
    return undefined;
  }
  return buildComponentImages(['streamingEdge', 'licenseProxy'], { log: say });
}

const ROLLOUT_WAIT_MS = 300_000;

/** Waits (bounded) for the sample rollout to finish, saying how it ended; a failure is shown, not thrown. */
async function awaitSampleRollout(client: KubeClient, namespace: string, say: (line: string) => void) {
  const name = `${SAMPLE_RELEASE}-live-sites`;
  const phaseOf = async () => {
    const rollout = (await listAll(client, 'Rollout', namespace)).find((r) => r.metadata?.name === name);
    const status = (
      rollout as { status?: { phase?: string; conditions?: { type: string; message?: string }[] } }
    )?.status;
    return {
      phase: status?.phase,
      message: status?.conditions?.find((c) => c.type === 'Progressing')?.message,
    };
  };
  const done = await waitFor(
    async () => {
      const now = await phaseOf();
      return ['Succeeded', 'Failed', 'RolledBack', 'Aborted'].includes(now.phase ?? '') && now;
    },
    { what: `rollout ${name} to finish`, timeoutMs: ROLLOUT_WAIT_MS, intervalMs: 1000 },
  ).catch(() => undefined);
  say(
    done
      ? `[fleet] rollout ${name}: ${done.phase}${done.phase === 'Succeeded' ? '' : ` (${done.message})`}`
      : `[fleet] rollout ${name} still running after ${ROLLOUT_WAIT_MS / 1000} s: npm run kubectl -- get rollouts -A`,
  );
}
