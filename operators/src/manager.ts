/**
 * The operator manager: one process running the hub's controllers over shared informers, with
 * Prometheus metrics and health endpoints. `npm start` runs one beside the local hub.
 */
import type { Server } from 'node:http';
import type { HubClient } from '@smart-fleet/hub';
import { siteAdmissionController } from './controllers/site-admission.ts';
import { type HealthPolicy, siteHealthController } from './controllers/site-health.ts';
import { AgentCredentials } from './health/agent-credentials.ts';
import { HeartbeatStore } from './health/heartbeat-store.ts';
import { serveIngest } from './health/ingest-server.ts';
import { type Controller, ControllerMetrics } from './runtime/controller.ts';
import { SharedInformers } from './runtime/informers.ts';
import type { Logger } from './runtime/log.ts';
import { Registry, serveMetrics } from './runtime/metrics.ts';

export interface ManagerOptions {
  client: HubClient;
  log: Logger;
  /** Watch one namespace only (tests); all namespaces when absent. */
  namespace?: string;
  /** Port for /metrics, /healthz, /readyz on 127.0.0.1; 0 picks one. */
  metricsPort?: number;
  /** Port for the agents' register/heartbeat endpoint on 127.0.0.1; 0 picks one. */
  ingestPort?: number;
  health?: HealthPolicy;
  now?: () => Date;
}

export interface Manager {
  readonly metricsUrl: string;
  readonly ingestUrl: string;
  readonly registry: Registry;
  stop(): Promise<void>;
}

export async function startManager(options: ManagerOptions): Promise<Manager> {
  const registry = new Registry();
  const metrics = new ControllerMetrics(registry);
  const informers = new SharedInformers(options.client, options.namespace);
  const store = new HeartbeatStore();
  const health = siteHealthController({
    client: options.client,
    informers,
    store,
    metrics,
    policy: options.health,
    log: options.log.child({ controller: 'site-health' }),
  });
  const controllers: Controller[] = [
    siteAdmissionController({
      ...options,
      informers,
      metrics,
      log: options.log.child({ controller: 'site-admission' }),
    }),
    health.controller,
  ];
  await informers.start();
  for (const c of controllers) {
    c.start();
  }
  const server: Server = await serveMetrics(
    registry,
    { ready: () => informers.synced() },
    options.metricsPort ?? 0,
  );
  const credentials = new AgentCredentials(options.client);
  const ingest: Server = await serveIngest(
    { credentials, store, log: options.log.child({ component: 'ingest' }) },
    options.ingestPort ?? 0,
  );
  const urlOf = (s: Server) => {
    const address = s.address();
    return `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  };
  options.log.info('operators started', {
    controllers: controllers.map((c) => c.name),
    metrics: urlOf(server),
    ingest: urlOf(ingest),
  });
  return {
    metricsUrl: urlOf(server),
    ingestUrl: urlOf(ingest),
    registry,
    async stop() {
      health.stop();
      await informers.stop();
      await Promise.all(controllers.map((c) => c.stop()));
      await Promise.all([server, ingest].map((s) => new Promise((resolve) => s.close(resolve))));
    },
  };
}
