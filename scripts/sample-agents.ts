/**
 * For `npm start`: a few real site agents, each with its own cluster and its site's data plane:
 * a streaming edge (admission, nginx, pre-positioning from the sample origin) and a license proxy
 * to the wide-area license service. So the sample fleet has live sites: Ready, heartbeating with
 * telemetry read from their edges, and serving the sample title to anyone holding an entitlement.
 *
 * Where this machine runs site nodes (`nodes`), each live site is a real node and its release's
 * pods are the edge and the proxy (sample-site-node.ts). Elsewhere its cluster is an API server
 * with no node, and the edge and proxy run in this process, the release counting as running once
 * applied.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, siteNodeDir, startExtraApiserver } from '@smart-fleet/hub';
import { connect, type KubeClient, type Logger, Registry, waitFor } from '@smart-fleet/kube';
import type { FleetObject } from '@smart-fleet/model';
import { edgeServices, inProcessReadings, SiteAgent, siteTelemetry } from '@smart-fleet/operators';
import { LicenseProxy, SiteEdge } from '@smart-fleet/services';
import type { SampleDataPlane } from './sample-data-plane.ts';
import { type ReleaseImages, startSampleSiteNode } from './sample-site-node.ts';

/** Where `npm run play` finds the live sites' edges: written by npm start into the hub's folder. */
export const LIVE_SITES_FILE = 'live-sites.json';

export interface LiveSite {
  site: string;
  namespace: string;
  edgeUrl: string;
  /** The site's own cluster, where it is a real node (its release's pods run there). */
  kubeconfig?: string;
}

export interface SampleAgents {
  sites: LiveSite[];
  stop(): Promise<void>;
}

interface SampleAgentsOptions {
  client: KubeClient;
  hubDir: string;
  ingestUrl: string;
  sites: readonly FleetObject[];
  dataPlane: SampleDataPlane;
  /** Where agents keep their credentials and edges their files; the hub's `agents/` unless given (tests). */
  stateRoot?: string;
  /** The release's images: each site becomes a real node running them (this machine can). */
  nodes?: ReleaseImages;
  log: Logger;
  say: (line: string) => void;
}

interface StartedSite {
  agent: SiteAgent;
  live: LiveSite;
  stop(): Promise<void>;
}

/** Where a site's agent keeps its credentials (and an in-process edge its files). */
const agentStateDir = (o: SampleAgentsOptions, site: string) =>
  join(o.stateRoot ?? join(o.hubDir, 'agents'), site);

/** Registered on an earlier start, the agent has its own credential; otherwise it waits for the one admission issues. */
async function bootstrapToken(o: SampleAgentsOptions, site: FleetObject, stateDir: string) {
  const { name, namespace } = site.metadata;
  if (existsSync(join(stateDir, 'agent-token'))) {
    return undefined;
  }
  const secret = await waitFor(
    () => o.client.core.readNamespacedSecret({ name: `${name}-bootstrap`, namespace }).catch(() => undefined),
    { what: `the bootstrap credential of ${name}`, timeoutMs: 60000 },
  );
  return Buffer.from(secret.data?.token ?? '', 'base64').toString();
}

/** A live site on a real node: its release's pods are its edge and proxy. */
async function nodeSite(
  o: SampleAgentsOptions,
  site: FleetObject,
  images: ReleaseImages,
): Promise<StartedSite> {
  const { name, namespace } = site.metadata;
  const log = o.log.child({ component: 'smart-site-agent', site: name });
  const stateDir = agentStateDir(o, name);
  const node = await startSampleSiteNode({
    hubDir: o.hubDir,
    site,
    dir: o.stateRoot ? join(o.stateRoot, name, 'node') : siteNodeDir(o.hubDir, name),
    images,
    parents: { originUrl: o.dataPlane.origin.url, licenseServiceUrl: o.dataPlane.licenseUrl },
    log,
    say: o.say,
  });
  try {
    const agent = new SiteAgent({
      hubUrl: o.ingestUrl,
      namespace,
      site: name,
      stateDir,
      siteClient: node.siteClient,
      bootstrapToken: await bootstrapToken(o, site, stateDir),
      telemetry: node.agent.telemetry,
      services: node.agent.services,
      edge: { originUrls: node.agent.originUrls },
      // A newcomer should not wait for the small hours to see a title pre-positioned.
      fillAnytime: true,
      log,
    });
    await agent.start();
    return {
      agent,
      live: { site: name, namespace, edgeUrl: node.edgeUrl, kubeconfig: node.kubeconfig },
      stop: node.stop,
    };
  } catch (error) {
    await node.stop();
    throw error;
  }
}

export async function startSampleAgents(o: SampleAgentsOptions): Promise<SampleAgents> {
  const images = o.nodes;
  // One node at a time: each takes the next free bridge network as it starts.
  const started: StartedSite[] = [];
  if (images) {
    try {
      for (const site of o.sites) {
        started.push(await nodeSite(o, site, images));
      }
    } catch (error) {
      await Promise.all(started.map((s) => s.stop()));
      throw error;
    }
  } else {
    started.push(...(await Promise.all(o.sites.map((site) => inProcessSite(o, site)))));
  }
  const sites = started.map((s) => s.live);
  writeFileSync(join(o.hubDir, LIVE_SITES_FILE), `${JSON.stringify(sites, null, 2)}\n`);
  return {
    sites,
    async stop() {
      for (const { agent } of started) {
        agent.stop();
      }
      await Promise.all(started.map((s) => s.stop()));
    },
  };
}

/** A live site whose cluster has no node: its edge and proxy run in this process. */
async function inProcessSite(o: SampleAgentsOptions, site: FleetObject): Promise<StartedSite> {
  const { name, namespace } = site.metadata;
  const log = o.log.child({ component: 'smart-site-agent', site: name });
  const cluster = await startExtraApiserver({
    hubDir: o.hubDir,
    name: o.stateRoot ? `${namespace}-${name}`.slice(0, 60) : name,
    port: await freePort(),
  });
  const stateDir = agentStateDir(o, name);
  const token = await bootstrapToken(o, site, stateDir);
  const proxy = await LicenseProxy.start({
    host: '127.0.0.1',
    port: 0,
    site: name,
    upstream: o.dataPlane.licenseUrl,
    log: log.child({ component: 'license-proxy' }),
    registry: new Registry(),
  });
  const origins = [o.dataPlane.origin.url];
  const edge = await SiteEdge.start(
    {
      dir: join(stateDir, 'edge'),
      host: '127.0.0.1',
      port: 0,
      site: name,
      entitlementKeys: o.dataPlane.entitlementKeys,
      licenseProxy: `127.0.0.1:${proxy.port}`,
      maxStreamsPerSubscriber: 4,
      fillRateMBps: 50,
      log: log.child({ component: 'streaming-edge' }),
    },
    { egressBudgetMbps: 0, originUrls: origins, titles: [] },
  );
  const agent = new SiteAgent({
    hubUrl: o.ingestUrl,
    namespace,
    site: name,
    stateDir,
    siteClient: connect(cluster.kubeconfig),
    bootstrapToken: token,
    telemetry: siteTelemetry(inProcessReadings(edge, proxy)),
    services: edgeServices(edge, origins),
    edge: { originUrls: origins },
    // A newcomer should not wait for the small hours to see a title pre-positioned.
    fillAnytime: true,
    // This cluster has no node: its edge and proxy run in this process (above), so the
    // release counts as running once applied.
    runningWhen: 'applied',
    log,
  });
  await agent.start();
  return {
    agent,
    live: { site: name, namespace, edgeUrl: edge.url },
    stop: async () => {
      await Promise.all([cluster.stop(), edge.stop(), proxy.close()]);
    },
  };
}
