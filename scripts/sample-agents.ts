/**
 * For `npm start`: a few real site agents, each with its own cluster (an extra kube-apiserver on
 * the hub's etcd) and its site's data plane beside it: a streaming edge (admission, nginx,
 * pre-positioning from the sample origin) and a license proxy to the wide-area license service.
 * So the sample fleet has live sites: Ready, heartbeating with telemetry read from their edges,
 * and serving the sample title to anyone holding an entitlement.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, startExtraApiserver } from '@smart-fleet/hub';
import { connect, type KubeClient, type Logger, Registry, waitFor } from '@smart-fleet/kube';
import type { FleetObject } from '@smart-fleet/model';
import { edgeServices, inProcessReadings, SiteAgent, siteTelemetry } from '@smart-fleet/operators';
import { LicenseProxy, publicKeySet, SiteEdge } from '@smart-fleet/services';
import type { SampleDataPlane } from './sample-data-plane.ts';

/** Where `npm run play` finds the live sites' edges: written by npm start into the hub's folder. */
export const LIVE_SITES_FILE = 'live-sites.json';

export interface LiveSite {
  site: string;
  namespace: string;
  edgeUrl: string;
}

export interface SampleAgents {
  sites: LiveSite[];
  stop(): Promise<void>;
}

export async function startSampleAgents(o: {
  client: KubeClient;
  hubDir: string;
  ingestUrl: string;
  sites: readonly FleetObject[];
  dataPlane: SampleDataPlane;
  /** Where agents keep their credentials and edges their files; the hub's `agents/` unless given (tests). */
  stateRoot?: string;
  log: Logger;
}): Promise<SampleAgents> {
  const started = await Promise.all(
    o.sites.map(async (site) => {
      const { name, namespace } = site.metadata;
      const log = o.log.child({ component: 'smart-site-agent', site: name });
      const cluster = await startExtraApiserver({
        hubDir: o.hubDir,
        name: o.stateRoot ? `${namespace}-${name}`.slice(0, 60) : name,
        port: await freePort(),
      });
      const stateDir = join(o.stateRoot ?? join(o.hubDir, 'agents'), name);
      // Registered on an earlier start, the agent has its own credential; otherwise it waits for
      // the bootstrap credential that admission issues.
      const secret = existsSync(join(stateDir, 'agent-token'))
        ? undefined
        : await waitFor(
            () =>
              o.client.core
                .readNamespacedSecret({ name: `${name}-bootstrap`, namespace })
                .catch(() => undefined),
            { what: `the bootstrap credential of ${name}`, timeoutMs: 60000 },
          );
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
        bootstrapToken: secret ? Buffer.from(secret.data?.token ?? '', 'base64').toString() : undefined,
        telemetry: siteTelemetry(inProcessReadings(edge, proxy)),
        services: edgeServices(edge, origins),
        edge: { originUrls: origins, entitlementKeys: publicKeySet([o.dataPlane.signer]) },
        // A newcomer should not wait for the small hours to see a title pre-positioned.
        fillAnytime: true,
        // These sites' clusters have no node yet: their edge and proxy run in this process
        // (above), so the release counts as running once applied. Site nodes: issue 12.
        runningWhen: 'applied',
        log,
      });
      await agent.start();
      return { agent, cluster, edge, proxy, live: { site: name, namespace, edgeUrl: edge.url } };
    }),
  );
  const sites = started.map((s) => s.live);
  writeFileSync(join(o.hubDir, LIVE_SITES_FILE), `${JSON.stringify(sites, null, 2)}\n`);
  return {
    sites,
    async stop() {
      for (const { agent } of started) {
        agent.stop();
      }
      await Promise.all(
        started.flatMap(({ cluster, edge, proxy }) => [cluster.stop(), edge.stop(), proxy.close()]),
      );
    },
  };
}
