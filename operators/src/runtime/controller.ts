/**
 * A controller: workers take keys from a work queue and reconcile them. A reconcile that
 * throws is retried with per-key backoff; one that asks for a requeue is queued after its
 * delay; each is counted and timed. Controllers never poll: keys arrive from informers.
 */
import type { Logger } from './log.ts';
import { Counter, Gauge, type Registry, Summary } from './metrics.ts';
import { WorkQueue } from './work-queue.ts';

export interface ReconcileResult {
  requeueAfterMs?: number;
}

export type Reconciler = (key: string) => Promise<ReconcileResult | undefined>;

/** The metrics every controller shares, labelled by controller name. */
export class ControllerMetrics {
  readonly reconciles: Counter;
  readonly latency: Summary;
  readonly #queues = new Map<string, WorkQueue>();

  constructor(registry: Registry) {
    this.reconciles = registry.register(
      new Counter(
        'smartfleet_reconcile_total',
        'Reconciles by controller and result (success, error, requeue).',
      ),
    );
    this.latency = registry.register(new Summary('smartfleet_reconcile_seconds', 'Time spent reconciling.'));
    registry.register(
      new Gauge(
        'smartfleet_workqueue_depth',
        'Keys waiting in each controller queue.',
        () => new Map([...this.#queues].map(([name, q]) => [{ controller: name }, q.depth])),
      ),
    );
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

  start(): void {
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
        key,
        retryInMs: delay,
        error: error instanceof Error ? error.message : String(error),
      });
    } finally {
      metrics.latency.observe({ controller: this.name }, (performance.now() - started) / 1000);
    }
  }
}
