/**
 * For `npm start`: a few real site agents, each with its own cluster (an extra kube-apiserver on
 * the hub's etcd), so the sample fleet has live sites: Ready, heartbeating, with telemetry.
 */
import { join } from 'node:path';
import { freePort, startExtraApiserver } from '@smart-fleet/hub';
import { connect, type KubeClient, processLogger, waitFor } from '@smart-fleet/kube';
import type { FleetObject } from '@smart-fleet/model';
import { SiteAgent, syntheticTelemetry } from '@smart-fleet/operators';

export interface SampleAgents {
  sites: string[];
  stop(): Promise<void>;
}

export async function startSampleAgents(o: {
  client: KubeClient;
  hubDir: string;
  ingestUrl: string;
  sites: readonly FleetObject[];
}): Promise<SampleAgents> {
  const started = await Promise.all(
    o.sites.map(async (site) => {
      const { name, namespace } = site.metadata;
      const cluster = await startExtraApiserver({ hubDir: o.hubDir, name, port: await freePort() });
      const secret = await waitFor(
        () =>
          o.client.core.readNamespacedSecret({ name: `${name}-bootstrap`, namespace }).catch(() => undefined),
        { what: `the bootstrap credential of ${name}`, timeoutMs: 30000 },
      ).catch(() => undefined); // already registered on an earlier start: the agent has its own token
      const agent = new SiteAgent({
        hubUrl: o.ingestUrl,
        namespace,
        site: name,
        stateDir: join(o.hubDir, 'agents', name),
        siteClient: connect(cluster.kubeconfig),
        bootstrapToken: secret ? Buffer.from(secret.data?.token ?? '', 'base64').toString() : undefined,
        telemetry: syntheticTelemetry(name),
        log: processLogger({ component: 'smart-site-agent', site: name }),
      });
      await agent.start();
      return { agent, cluster };
    }),
  );
  return {
    sites: o.sites.map((s) => s.metadata.name),
    async stop() {
      for (const { agent } of started) {
        agent.stop();
      }
      await Promise.all(started.map(({ cluster }) => cluster.stop()));
    },
  };
}
