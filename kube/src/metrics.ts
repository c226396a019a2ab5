/**
 * Prometheus metrics (prom-client, with Node's default process metrics) and the health
 * endpoints beside them: /metrics, /healthz (the process runs), /readyz (its caches are synced
 * and it can act), plus read-only routes a process adds (the operators' telemetry series).
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { LOOPBACK } from './listen-address.ts';

export { Counter, Gauge, Histogram, Registry } from 'prom-client';

/** A registry with the process metrics every component exports (CPU, memory, event loop, GC). */
export function processRegistry(): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return registry;
}

export interface HealthChecks {
  ready: () => boolean;
}

export interface RouteAnswer {
  code: number;
  body: string;
  type?: string;
}

/**
 * Read-only routes beside the metrics (by path; the query string is the handler's). A route may
 * answer later (a standby asks the leader), so it may return a promise.
 */
export type ExtraRoutes = Record<
  string,
  (url: URL, req: IncomingMessage) => RouteAnswer | Promise<RouteAnswer>
>;

export interface MetricsServerOptions {
  registry: Registry;
  health: HealthChecks;
  /** 0 picks a free port. */
  port: number;
  extra?: ExtraRoutes;
  /** Loopback unless told (in a pod, the pod's address, for probes and Prometheus). */
  host?: string;
}

/** Serves /metrics, /healthz, /readyz and the extra routes. */
export function serveMetrics(options: MetricsServerOptions): Promise<Server> {
  const { registry, health } = options;
  const routes: ExtraRoutes = {
    ...options.extra,
    '/metrics': async () => ({ code: 200, body: await registry.metrics(), type: registry.contentType }),
    '/healthz': () => ({ code: 200, body: 'ok\n' }),
    '/readyz': () => (health.ready() ? { code: 200, body: 'ok\n' } : { code: 503, body: 'not ready\n' }),
  };
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://operators');
    const route = req.method === 'GET' ? routes[url.pathname] : undefined;
    const send = (answer: RouteAnswer) =>
      res.writeHead(answer.code, { 'content-type': answer.type ?? 'text/plain' }).end(answer.body);
    Promise.resolve(route ? route(url, req) : { code: 404, body: '' }).then(send, (error: unknown) =>
      send({ code: 500, body: `${error instanceof Error ? error.message : String(error)}\n` }),
    );
  });
  return new Promise((resolve) =>
    server.listen(options.port, options.host ?? LOOPBACK, () => resolve(server)),
  );
}
