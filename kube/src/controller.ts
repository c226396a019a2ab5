/**
 * A controller: workers take keys from a work queue and reconcile them. A reconcile that
 * throws is retried with per-key backoff; one that asks for a requeue is queued after its
 * delay; each is counted and timed. Keys arrive from informer events and resyncs, and from the
 * ticks of controllers that judge in-memory state (site health, rollouts).
 */
import { describeError } from './api-errors.ts';
import type { Logger } from './log.ts';
import { Counter, Gauge, Histogram, type Registry } from './metrics.ts';
import { WorkQueue } from './work-queue.ts';

export interface ReconcileResult {
  requeueAfterMs?: number;
}

export type Reconciler = (key: string) => Promise<ReconcileResult | undefined>;

/** The metrics every controller shares, labelled by controller name. */
export class ControllerMetrics {
  readonly reconciles: Counter<'controller' | 'result'>;
  readonly latency: Histogram<'controller'>;
  readonly #queues = new Map<string, WorkQueue>();

  constructor(registry: Registry) {
    this.reconciles = new Counter({
      name: 'smartfleet_reconcile_total',
      help: 'Reconciles by controller and result (success, error, requeue).',
      labelNames: ['controller', 'result'],
      registers: [registry],
    });
    this.latency = new Histogram({
      name: 'smartfleet_reconcile_duration_seconds',
      help: 'Time spent in one reconcile, by controller.',
      labelNames: ['controller'],
      buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    });
    const queues = this.#queues;
    new Gauge({
      name: 'smartfleet_workqueue_depth',
      help: 'Keys waiting in each controller queue.',
      labelNames: ['controller'],
      registers: [registry],
      collect() {
        for (const [controller, queue] of queues) {
          this.set({ controller }, queue.depth);
        }
      },
    });
  }

  track(name: string, queue: WorkQueue): void {
    this.#queues.set(name, queue);
  }
}

export interface ControllerOptions {
  name: string;
  reconcile: Reconciler;
  log: Logger;
  metrics: ControllerMetrics;
  workers?: number;
  /** The kind whose keys this controller reconciles, named in its logs. */
  kind?: string;
  /** Runs when the controller starts reconciling (at start, or on winning the Lease). */
  onStart?: () => void;
}

export class Controller {
  readonly name: string;
  readonly queue = new WorkQueue();
  readonly #options: ControllerOptions;
  #workers: Promise<void>[] = [];

  constructor(options: ControllerOptions) {
    this.name = options.name;
    this.#options = options;
    options.metrics.track(options.name, this.queue);
  }

  /** Starts the workers; a stopped controller can start again (a replica that leads anew). */
  start(): void {
    this.queue.reopen();
    this.#options.onStart?.();
    this.#workers = Array.from({ length: this.#options.workers ?? 2 }, () => this.#work());
  }

  async stop(): Promise<void> {
    this.queue.shutDown();
    await Promise.all(this.#workers);
  }

  async #work(): Promise<void> {
    for (let key = await this.queue.get(); key !== undefined; key = await this.queue.get()) {
      await this.#process(key);
      this.queue.done(key);
    }
  }

  async #process(key: string): Promise<void> {
    const { metrics, log, reconcile } = this.#options;
    const started = performance.now();
    try {
      const result = await reconcile(key);
      this.queue.forget(key);
      if (result?.requeueAfterMs !== undefined) {
        this.queue.addAfter(key, result.requeueAfterMs);
      }
      metrics.reconciles.inc({
        controller: this.name,
        result: result?.requeueAfterMs ? 'requeue' : 'success',
      });
    } catch (error) {
      const delay = this.queue.addRateLimited(key);
      metrics.reconciles.inc({ controller: this.name, result: 'error' });
      log.error('reconcile failed', {
        controller: this.name,
        object: this.#options.kind ? `${this.#options.kind} ${key}` : key,
        error: describeError(error),
        retryInMs: delay,
      });
    } finally {
      metrics.latency.observe({ controller: this.name }, (performance.now() - started) / 1000);
    }
  }
}
