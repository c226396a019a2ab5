/**
 * Prometheus metrics in the text exposition format, and the health endpoints beside them:
 * /metrics, /healthz (the process runs), /readyz (its caches are synced and it can act).
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { LOOPBACK } from './listen-address.ts';

type Labels = Record<string, string>;

function key(labels: Labels): string {
  return Object.entries(labels)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([k, v]) => `${k}="${v.replace(/["\\\n]/g, '_')}"`)
    .join(',');
}

export class Counter {
  readonly #values = new Map<string, number>();
  readonly name: string;
  readonly help: string;
  constructor(name: string, help: string) {
    this.name = name;
    this.help = help;
  }
  inc(labels: Labels = {}, by = 1): void {
    const k = key(labels);
    this.#values.set(k, (this.#values.get(k) ?? 0) + by);
  }
  get(labels: Labels = {}): number {
    return this.#values.get(key(labels)) ?? 0;
  }
  render(): string {
    const lines = [...this.#values].map(([k, v]) => `${this.name}${k ? `{${k}}` : ''} ${v}`);
    return `# HELP ${this.name} ${this.help}\n# TYPE ${this.name} counter\n${lines.join('\n')}`;
  }
}

export class Gauge {
  readonly #read: () => Map<string, number>;
  readonly name: string;
  readonly help: string;
  constructor(name: string, help: string, read: () => Map<Labels, number>) {
    this.name = name;
    this.help = help;
    this.#read = () => new Map([...read()].map(([labels, v]) => [key(labels), v]));
  }
  render(): string {
    const lines = [...this.#read()].map(([k, v]) => `${this.name}${k ? `{${k}}` : ''} ${v}`);
    return `# HELP ${this.name} ${this.help}\n# TYPE ${this.name} gauge\n${lines.join('\n')}`;
  }
}

/** Reconcile latency: a summary (sum and count) is enough for a mean and a rate. */
export class Summary {
  readonly #sum = new Map<string, number>();
  readonly #count = new Map<string, number>();
  readonly name: string;
  readonly help: string;
  constructor(name: string, help: string) {
    this.name = name;
    this.help = help;
  }
  observe(labels: Labels, value: number): void {
    const k = key(labels);
    this.#sum.set(k, (this.#sum.get(k) ?? 0) + value);
    this.#count.set(k, (this.#count.get(k) ?? 0) + 1);
  }
  render(): string {
    const lines = [...this.#sum].flatMap(([k, sum]) => [
      `${this.name}_sum${k ? `{${k}}` : ''} ${sum}`,
      `${this.name}_count${k ? `{${k}}` : ''} ${this.#count.get(k) ?? 0}`,
    ]);
    return `# HELP ${this.name} ${this.help}\n# TYPE ${this.name} summary\n${lines.join('\n')}`;
  }
}

export interface Metric {
  render(): string;
}

export class Registry {
  readonly #metrics: Metric[] = [];
  register<M extends Metric>(metric: M): M {
    this.#metrics.push(metric);
    return metric;
  }
  render(): string {
    return `${this.#metrics.map((m) => m.render()).join('\n')}\n`;
  }
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

/**
 * Serves /metrics, /healthz, /readyz and `extra` on `host` (loopback unless told: in a pod, the
 * pod's address, for probes and Prometheus); port 0 picks a free port.
 */
export function serveMetrics(
  registry: Registry,
  health: HealthChecks,
  port: number,
  extra: ExtraRoutes = {},
  host = LOOPBACK,
): Promise<Server> {
  const routes: ExtraRoutes = {
    ...extra,
    '/metrics': () => ({ code: 200, body: registry.render(), type: 'text/plain; version=0.0.4' }),
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
  return new Promise((resolve) => server.listen(port, host, () => resolve(server)));
}
