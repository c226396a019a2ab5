/**
 * Leader election on a coordination.k8s.io/v1 Lease, as client-go does it: the holder renews
 * the lease every `renewMs`; a candidate takes it over only once `leaseDurationMs` has passed
 * since the last renewal; every write carries the resourceVersion read, so two candidates can
 * never both win the same round. A leader that cannot renew within `renewDeadlineMs` stops
 * leading (its controllers stop) before a standby can take over.
 *
 * The holder also writes `annotations` on the Lease (the manager puts its agents' endpoint
 * there), and every candidate remembers the holder it last read: that is how a standby finds
 * the leader to forward agents' calls to, with no extra API call.
 */
import { CoordinationV1Api, type V1Lease, V1MicroTime } from '@kubernetes/client-node';
import { apiStatusCode } from './api-errors.ts';
import type { KubeClient } from './client.ts';
import type { Logger } from './log.ts';

export interface LeaderElectionOptions {
  client: KubeClient;
  namespace: string;
  name: string;
  identity: string;
  log: Logger;
  leaseDurationMs?: number;
  renewDeadlineMs?: number;
  retryMs?: number;
  /** Written on the Lease with every acquire and renewal, for the other candidates to read. */
  annotations?: Record<string, string>;
  onStartedLeading: () => void;
  onStoppedLeading: () => void;
}

export interface LeaseHolder {
  identity: string;
  annotations: Record<string, string>;
}

const micro = (ms: number) => new V1MicroTime(ms);
const timeOf = (t: unknown) => (t ? new Date(t as string | Date).getTime() : 0);
const expiryOf = (lease: V1Lease) =>
  timeOf(lease.spec?.renewTime) + (lease.spec?.leaseDurationSeconds ?? 0) * 1000;

export class LeaderElector {
  readonly #o: Required<
    Omit<LeaderElectionOptions, 'log' | 'onStartedLeading' | 'onStoppedLeading' | 'client' | 'annotations'>
  > &
    LeaderElectionOptions;
  readonly #api: CoordinationV1Api;
  #leading = false;
  #lastRenew = 0;
  #timer?: NodeJS.Timeout;
  #stopped = false;
  #observed?: { holder: LeaseHolder; expiresAt: number };

  constructor(options: LeaderElectionOptions) {
    this.#o = { leaseDurationMs: 15000, renewDeadlineMs: 10000, retryMs: 2000, ...options };
    this.#api = options.client.kc.makeApiClient(CoordinationV1Api);
  }

  get leading(): boolean {
    return this.#leading;
  }

  /**
   * The Lease's holder as this candidate last read or wrote it, while that lease is live
   * (undefined before the first read, when nobody holds it, or once it has expired). It can
   * be up to `retryMs` old: a caller must expect the holder to be gone.
   */
  leader(now = Date.now()): LeaseHolder | undefined {
    const observed = this.#observed;
    return observed && observed.expiresAt >= now ? observed.holder : undefined;
  }

  start(): void {
    void this.#round();
  }

  /** Stops campaigning; a leader steps down (without releasing: the lease simply expires). */
  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
    this.#setLeading(false);
  }

  #setLeading(leading: boolean): void {
    if (leading === this.#leading) {
      return;
    }
    this.#leading = leading;
    this.#o.log.info(leading ? 'became leader' : 'stopped leading', {
      lease: this.#o.name,
      identity: this.#o.identity,
    });
    (leading ? this.#o.onStartedLeading : this.#o.onStoppedLeading)();
  }

  async #round(): Promise<void> {
    if (this.#stopped) {
      return;
    }
    const now = Date.now();
    const won = await this.#tryAcquireOrRenew(now).catch((error: unknown) => {
      this.#o.log.error('lease update failed', { lease: this.#o.name, error: String(error) });
      return false;
    });
    if (won) {
      this.#lastRenew = now;
    }
    const mayLead = won || (this.#leading && Date.now() - this.#lastRenew < this.#o.renewDeadlineMs);
    this.#setLeading(mayLead && !this.#stopped);
    const next = this.#leading ? Math.min(this.#o.retryMs, this.#o.leaseDurationMs / 3) : this.#o.retryMs;
    if (!this.#stopped) {
      this.#timer = setTimeout(() => void this.#round(), next);
    }
  }

  #observe(lease: V1Lease): void {
    const identity = lease.spec?.holderIdentity;
    this.#observed = identity
      ? { holder: { identity, annotations: lease.metadata?.annotations ?? {} }, expiresAt: expiryOf(lease) }
      : undefined;
  }

  #metadata(lease?: V1Lease) {
    const { namespace, name, annotations } = this.#o;
    return {
      ...lease?.metadata,
      name,
      namespace,
      annotations: { ...lease?.metadata?.annotations, ...annotations },
    };
  }

  /** The current lease, or undefined after creating it for us (which wins the round). */
  async #readOrCreate(now: number): Promise<V1Lease | undefined> {
    const { namespace, name } = this.#o;
    try {
      const lease = await this.#api.readNamespacedLease({ name, namespace });
      this.#observe(lease);
      return lease;
    } catch (error) {
      if (apiStatusCode(error) !== 404) {
        throw error;
      }
      const body = { metadata: this.#metadata(), spec: this.#spec(now, 0, now) };
      await this.#api.createNamespacedLease({ namespace, body });
      this.#observe(body);
      return undefined;
    }
  }

  async #tryAcquireOrRenew(now: number): Promise<boolean> {
    const lease = await this.#readOrCreate(now);
    if (!lease) {
      return true;
    }
    const spec = lease.spec ?? {};
    const mine = spec.holderIdentity === this.#o.identity;
    const expired = expiryOf(lease) < now;
    if (!mine && !expired && spec.holderIdentity) {
      return false;
    }
    const transitions = (spec.leaseTransitions ?? 0) + (mine ? 0 : 1);
    const acquired = mine ? timeOf(spec.acquireTime) : now;
    const body = { ...lease, metadata: this.#metadata(lease), spec: this.#spec(acquired, transitions, now) };
    try {
      await this.#api.replaceNamespacedLease({ name: this.#o.name, namespace: this.#o.namespace, body });
      this.#observe(body);
      return true;
    } catch (error) {
      if (apiStatusCode(error) === 409) {
        return false; // someone else wrote first this round
      }
      throw error;
    }
  }

  #spec(acquiredMs: number, transitions: number, now: number) {
    return {
      holderIdentity: this.#o.identity,
      leaseDurationSeconds: Math.ceil(this.#o.leaseDurationMs / 1000),
      acquireTime: micro(acquiredMs),
      renewTime: micro(now),
      leaseTransitions: transitions,
    };
  }
}
