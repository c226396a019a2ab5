/**
 * Shared informers for fleet kinds: one list+watch per kind for the whole process, an
 * in-memory cache every controller reads, and a periodic resync that re-offers every cached
 * object to the handlers (so a missed or failed reconcile is retried even with no new event).
 */
import {
  type Informer,
  type KubeConfig,
  type KubernetesObject,
  ListWatch,
  type ObjectCache,
  Watch,
} from '@kubernetes/client-node';
import { API_GROUP, API_VERSION, kindNamed } from '@smart-fleet/model';
import type { KubeClient } from './client.ts';
import { withTimeout } from './request-timeout.ts';

/**
 * A watch silent this long is given up and re-made from the last resourceVersion it saw. A
 * connection can die without closing (a stalled proxy, a peer gone behind NAT): nothing would
 * tell the informer, whose cache would then stay stale for good. A quiet kind pays one cheap
 * re-watch per period. client-node's own figure.
 */
export const DEFAULT_WATCH_IDLE_MS = 30_000;
/**
 * An informer's list is unpaged (every object of a kind at once: 21,000 sites nationally), so
 * it gets the API server's own limit for a request rather than the connection's 10 s.
 */
const LIST_TIMEOUT_MS = 60_000;

export interface SharedInformersOptions {
  /** See DEFAULT_WATCH_IDLE_MS. */
  watchIdleMs?: number;
}

/**
 * client-node's Watch aborts a watch that has had no data for its `requestTimeoutMs` (waiting
 * for the response headers included) with a TimeoutError, on which its ListWatch re-watches at
 * once from the last resourceVersion, with no error event. The field is private (30 s); it is
 * set here, and informers.integration.test.ts fails if a client-node upgrade stops honouring it.
 */
function watchWithIdleDeadline(kc: KubeConfig, idleMs: number): Watch {
  const watch = new Watch(kc);
  Object.assign(watch, { requestTimeoutMs: idleMs });
  return watch;
}

export type FleetInformer<T extends KubernetesObject> = Informer<T> & ObjectCache<T>;

export function objectKey(o: KubernetesObject): string {
  return `${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}`;
}

export function splitKey(key: string): { namespace: string; name: string } {
  const [namespace = '', name = ''] = key.split('/');
  return { namespace, name };
}

export class SharedInformers {
  readonly #client: KubeClient;
  readonly #namespace?: string;
  readonly #watchIdleMs: number;
  readonly #informers = new Map<string, FleetInformer<KubernetesObject>>();
  readonly #synced = new Set<string>();
  #resync?: NodeJS.Timeout;
  #stopped = false;
  readonly #restarts = new Set<NodeJS.Timeout>();

  /** `namespace` limits every informer to one namespace; all namespaces when absent. */
  constructor(client: KubeClient, namespace?: string, options: SharedInformersOptions = {}) {
    this.#client = client;
    this.#namespace = namespace;
    this.#watchIdleMs = options.watchIdleMs ?? DEFAULT_WATCH_IDLE_MS;
  }

  /** The informer for a fleet kind across all namespaces, made on first use. */
  for<T extends KubernetesObject>(kind: string): FleetInformer<T> {
    const existing = this.#informers.get(kind);
    if (existing) {
      return existing as FleetInformer<T>;
    }
    const plural = kindNamed(kind)?.plural;
    if (!plural) {
      throw new Error(`${kind} is not a fleet kind`);
    }
    const where = { group: API_GROUP, version: API_VERSION, plural };
    const ns = this.#namespace;
    const path = `/apis/${API_GROUP}/${API_VERSION}/${ns ? `namespaces/${ns}/` : ''}${plural}`;
    const list = () =>
      ns
        ? this.#client.custom.listNamespacedCustomObject(
            { ...where, namespace: ns },
            withTimeout(LIST_TIMEOUT_MS),
          )
        : this.#client.custom.listClusterCustomObject(where, withTimeout(LIST_TIMEOUT_MS));
    const watch = watchWithIdleDeadline(this.#client.kc, this.#watchIdleMs);
    const informer = new ListWatch<T>(path, watch, list as never, false);
    informer.on('connect', () => this.#synced.add(kind));
    this.#restartOnError(kind, informer as unknown as FleetInformer<KubernetesObject>);
    this.#informers.set(kind, informer as unknown as FleetInformer<KubernetesObject>);
    return informer;
  }

  /**
   * client-node's informer stops for good on a watch or list error (a dropped connection, an
   * API-server restart): it only reports the error. So each is restarted here with backoff
   * (1 s doubling to 30 s) until it lists and watches again; it resumes from the last
   * resourceVersion it saw, or relists if that is too old, so no change is missed.
   */
  #restartOnError(kind: string, informer: FleetInformer<KubernetesObject>): void {
    let delay = 1000;
    informer.on('connect', () => {
      delay = 1000;
    });
    informer.on('error', () => {
      if (this.#stopped) {
        return;
      }
      this.#synced.delete(kind);
      const timer = setTimeout(() => {
        this.#restarts.delete(timer);
        if (!this.#stopped) {
          informer.start().catch(() => undefined); // a failed start reports another error
        }
      }, delay);
      this.#restarts.add(timer);
      delay = Math.min(delay * 2, 30000);
    });
  }

  /** Starts every informer made so far and resolves once each has listed. */
  async start(resyncMs = 5 * 60_000): Promise<void> {
    await Promise.all([...this.#informers.values()].map((i) => i.start()));
    this.#resync = setInterval(() => this.resyncNow(), resyncMs);
  }

  synced(): boolean {
    return [...this.#informers.keys()].every((k) => this.#synced.has(k));
  }

  /** Handlers registered for resync, by kind. */
  readonly #resyncHandlers = new Map<string, ((o: KubernetesObject) => void)[]>();

  onResync<T extends KubernetesObject>(kind: string, handler: (o: T) => void): void {
    const list = this.#resyncHandlers.get(kind) ?? [];
    list.push(handler as (o: KubernetesObject) => void);
    this.#resyncHandlers.set(kind, list);
  }

  /** Offers every cached object to the resync handlers now (e.g. on becoming leader). */
  resyncNow(): void {
    for (const [kind, handlers] of this.#resyncHandlers) {
      for (const object of this.#informers.get(kind)?.list() ?? []) {
        for (const handler of handlers) {
          handler(object);
        }
      }
    }
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearInterval(this.#resync);
    for (const timer of this.#restarts) {
      clearTimeout(timer);
    }
    await Promise.all([...this.#informers.values()].map((i) => i.stop()));
  }
}
