/**
 * Live sites for integration tests: each a site cluster of its own (an extra kube-apiserver on
 * the test hub's etcd) with a real SiteAgent that registers with its bootstrap credential and
 * heartbeats to the operators. A test decides what each agent reports, can silence an agent
 * and bring it back (same state directory: same credential, same applied release), and reads
 * what each site's cluster really runs.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppsV1Api } from '@kubernetes/client-node';
import { type ExtraApiserver, freePort, startExtraApiserver } from '@smart-fleet/hub';
import { connect, type KubeClient, serverSideApply, silentLogger, waitFor } from '@smart-fleet/kube';
import { GROUP_VERSION } from '@smart-fleet/model';
import { SITE_NAMESPACE, SiteAgent } from '@smart-fleet/operators';
import { generateEntitlementSigner, publicKeySet } from '@smart-fleet/services';
import { calmTelemetry } from './telemetry.ts';
import type { TestHub } from './test-hub.ts';

type Telemetry = { [K in keyof typeof calmTelemetry]: number };

export interface LiveSitesOptions {
  hub: TestHub;
  namespace: string;
  ingestUrl: string;
  sites: readonly string[];
  /** What a site's agent reports, given the release it runs; calm by default. */
  telemetry?: (site: string, running: string | undefined) => Telemetry;
  heartbeatMs?: number;
}

export interface LiveSites {
  agent(site: string): SiteAgent;
  /** The images the site's own cluster runs in its release namespace, by Deployment. */
  images(site: string): Promise<Record<string, string>>;
  silence(site: string): void;
  revive(site: string): Promise<void>;
  /** Points every agent at other operators (a restarted manager listens elsewhere). */
  moveTo(ingestUrl: string): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The hub's entitlement keys for the operators these sites call: the bundle brings them to the
 * releases' edges, which no pod runs on these clusters to read.
 */
export const LIVE_SITES_HUB_KEYS = publicKeySet([await generateEntitlementSigner('live-sites')]);

export async function startLiveSites(o: LiveSitesOptions): Promise<LiveSites> {
  // What the releases' edges would be given besides the bundle.
  const nodelessEdge = { originUrls: ['http://127.0.0.1:9'] };
  const clusters = new Map<string, { cluster: ExtraApiserver; client: KubeClient; stateDir: string }>();
  const agents = new Map<string, SiteAgent>();
  let hubUrl = o.ingestUrl;
  const makeAgent = (site: string, bootstrapToken?: string) => {
    const at = clusters.get(site);
    if (!at) {
      throw new Error(`no live site ${site}`);
    }
    const agent: SiteAgent = new SiteAgent({
      hubUrl,
      namespace: o.namespace,
      site,
      stateDir: at.stateDir,
      siteClient: at.client,
      bootstrapToken,
      telemetry: () => o.telemetry?.(site, agent.runningRelease) ?? { ...calmTelemetry },
      log: silentLogger,
      heartbeatMs: o.heartbeatMs ?? 300,
      edge: nodelessEdge,
      // These clusters have no node: they test the rollout's logic. Releases as pods on a real
      // node, judged from their readiness: test/site-release-pods.e2e.test.ts.
      runningWhen: 'applied',
    });
    agents.set(site, agent);
    return agent;
  };
  for (const site of o.sites) {
    const cluster = await startExtraApiserver({
      hubDir: o.hub.dir,
      name: `${o.namespace}-${site}`.slice(0, 60),
      port: await freePort(),
    });
    clusters.set(site, {
      cluster,
      client: connect(cluster.kubeconfig),
      stateDir: mkdtempSync(join(tmpdir(), 'agent-')),
    });
    const secret = await waitFor(
      () =>
        o.hub.client.core
          .readNamespacedSecret({ name: `${site}-bootstrap`, namespace: o.namespace })
          .catch(() => undefined),
      { what: `the bootstrap secret of ${site}`, timeoutMs: 30000 },
    );
    await makeAgent(site, Buffer.from(secret.data?.token ?? '', 'base64').toString()).start();
  }
  return {
    agent: (site) => agents.get(site) as SiteAgent,
    async images(site) {
      const client = clusters.get(site)?.client;
      const list = await client?.kc
        .makeApiClient(AppsV1Api)
        .listNamespacedDeployment({ namespace: SITE_NAMESPACE });
      return Object.fromEntries(
        (list?.items ?? []).map((d) => [
          d.metadata?.name ?? '',
          d.spec?.template.spec?.containers[0]?.image ?? '',
        ]),
      );
    },
    silence: (site) => agents.get(site)?.stop(),
    async revive(site) {
      agents.get(site)?.stop();
      await makeAgent(site).start();
    },
    async moveTo(ingestUrl) {
      hubUrl = ingestUrl;
      for (const site of agents.keys()) {
        agents.get(site)?.stop();
        await makeAgent(site).start();
      }
    },
    async stop() {
      for (const agent of agents.values()) {
        agent.stop();
      }
      await Promise.all([...clusters.values()].map((c) => c.cluster.stop()));
    },
  };
}

/** Sets a site's release as a rollout would: its ReleaseAssignment, owned by the site. */
export async function assignRelease(
  client: KubeClient,
  site: { name: string; namespace: string; uid?: string },
  release: string,
): Promise<void> {
  await serverSideApply(
    client,
    {
      apiVersion: GROUP_VERSION,
      kind: 'ReleaseAssignment',
      metadata: {
        name: site.name,
        namespace: site.namespace,
        ...(site.uid
          ? { ownerReferences: [{ apiVersion: GROUP_VERSION, kind: 'Site', name: site.name, uid: site.uid }] }
          : {}),
      },
      spec: {
        site: site.name,
        release,
        rollout: 'test',
        assignedAt: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
      },
    } as never,
    { fieldManager: 'test', force: true },
  );
}
