/**
 * Leader election on a coordination.k8s.io/v1 Lease, as client-go does it: the holder renews
 * the lease every `renewMs`; a candidate takes it over only once `leaseDurationMs` has passed
 * since the last renewal; every write carries the resourceVersion read, so two candidates can
 * never both win the same round. A leader that cannot renew within `renewDeadlineMs` stops
 * leading (its controllers stop) before a standby can take over.
 */
import { CoordinationV1Api, type V1Lease, V1MicroTime } from '@kubernetes/client-node';
import { apiStatusCode, type HubClient } from '@smart-fleet/hub';
import type { Logger } from './log.ts';

export interface LeaderElectionOptions {
  client: HubClient;
  namespace: string;
  name: string;
  identity: string;
  log: Logger;
  leaseDurationMs?: number;
  renewDeadlineMs?: number;
  retryMs?: number;
  onStartedLeading: () => void;
  onStoppedLeading: () => void;
}

const micro = (ms: number) => new V1MicroTime(ms);
const timeOf = (t: unknown) => (t ? new Date(t as string | Date).getTime() : 0);

export class LeaderElector {
  readonly #o: Required<
    Omit<LeaderElectionOptions, 'log' | 'onStartedLeading' | 'onStoppedLeading' | 'client'>
  > &
    LeaderElectionOptions;
  readonly #api: CoordinationV1Api;
  #leading = false;
  #lastRenew = 0;
  #timer?: NodeJS.Timeout;
  #stopped = false;

  constructor(options: LeaderElectionOptions) {
    this.#o = { leaseDurationMs: 15000, renewDeadlineMs: 10000, retryMs: 2000, ...options };
    this.#api = options.client.kc.makeApiClient(CoordinationV1Api);
  }

  get leading(): boolean {
    return this.#leading;
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

  /** The current lease, or undefined after creating it for us (which wins the round). */
  async #readOrCreate(now: number): Promise<V1Lease | undefined> {
    const { namespace, name } = this.#o;
    try {
      return await this.#api.readNamespacedLease({ name, namespace });
    } catch (error) {
      if (apiStatusCode(error) !== 404) {
        throw error;
      }
      await this.#api.createNamespacedLease({
        namespace,
        body: { metadata: { name, namespace }, spec: this.#spec(now, 0, now) },
      });
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
    const expired = timeOf(spec.renewTime) + (spec.leaseDurationSeconds ?? 0) * 1000 < now;
    if (!mine && !expired && spec.holderIdentity) {
      return false;
    }
    const transitions = (spec.leaseTransitions ?? 0) + (mine ? 0 : 1);
    const acquired = mine ? timeOf(spec.acquireTime) : now;
    const body = { ...lease, spec: this.#spec(acquired, transitions, now) };
    try {
      await this.#api.replaceNamespacedLease({ name: this.#o.name, namespace: this.#o.namespace, body });
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
