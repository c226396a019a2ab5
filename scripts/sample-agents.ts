/**
 * For `npm start`: a few real site agents, each with its own cluster (an extra kube-apiserver on
 * the hub's etcd), so the sample fleet has live sites: Ready, heartbeating, with telemetry.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, startExtraApiserver } from '@smart-fleet/hub';
import { connect, type KubeClient, type Logger, waitFor } from '@smart-fleet/kube';
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
  /** Where agents keep their credentials; the hub's `agents/` unless given (tests). */
  stateRoot?: string;
  log: Logger;
}): Promise<SampleAgents> {
  const started = await Promise.all(
    o.sites.map(async (site) => {
      const { name, namespace } = site.metadata;
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
      const agent = new SiteAgent({
        hubUrl: o.ingestUrl,
        namespace,
        site: name,
        stateDir,
        siteClient: connect(cluster.kubeconfig),
        bootstrapToken: secret ? Buffer.from(secret.data?.token ?? '', 'base64').toString() : undefined,
        telemetry: syntheticTelemetry(name),
        log: o.log.child({ component: 'smart-site-agent', site: name }),
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
