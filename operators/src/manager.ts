/**
 * The operator manager: one process running the hub's controllers over shared informers, with
 * Prometheus metrics and health endpoints. `npm start` runs one beside the local hub.
 */
import type { Server } from 'node:http';
import type { HubClient } from '@smart-fleet/hub';
import { siteAdmissionController } from './controllers/site-admission.ts';
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
  now?: () => Date;
}

export interface Manager {
  readonly metricsUrl: string;
  readonly registry: Registry;
  stop(): Promise<void>;
}

export async function startManager(options: ManagerOptions): Promise<Manager> {
  const registry = new Registry();
  const metrics = new ControllerMetrics(registry);
  const informers = new SharedInformers(options.client, options.namespace);
  const controllers: Controller[] = [
    siteAdmissionController({
      ...options,
      informers,
      metrics,
      log: options.log.child({ controller: 'site-admission' }),
    }),
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
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  options.log.info('operators started', { controllers: controllers.map((c) => c.name), metrics: port });
  return {
    metricsUrl: `http://127.0.0.1:${port}`,
    registry,
    async stop() {
      await informers.stop();
      await Promise.all(controllers.map((c) => c.stop()));
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
