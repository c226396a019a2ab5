/**
 * Leader election on a coordination.k8s.io/v1 Lease, as client-go's leaderelection does it, so
 * that at no moment do two replicas act:
 * - A candidate judges expiry by its own clock: it notes when it observed the Lease record change
 *   (holder, renewTime, resourceVersion) and takes the Lease over only once `leaseDurationMs`
 *   has passed on its own monotonic clock since then. It never compares the holder's renewTime
 *   with its own wall clock, so clocks skewed between replicas neither hand the Lease over early
 *   nor hold it stuck.
 * - The leader stops leading once it has not renewed within `renewDeadlineMs` (< leaseDuration),
 *   measured on its monotonic clock from the start of its last successful renew; every call of a
 *   renew is cut at that deadline (and at `callTimeoutMs`, so one hung call leaves time for a
 *   retry). A standby's takeover comes no sooner than leaseDuration after a renewal it observed,
 *   which came after that renewal started: the leader has stopped by then, with
 *   leaseDuration - renewDeadline to spare. The deadline is a timer, and is also checked on the
 *   clock whenever `leading` or `termSignal()` is asked, so a stalled event loop that runs a
 *   worker's write before the timer still finds the term over.
 * - Every write carries the resourceVersion read, so two candidates never both win a round.
 * A term ends with `termSignal()` aborted before `onStoppedLeading` runs: leader-fence.ts uses it
 * to refuse and abort the deposed leader's writes.
 *
 * The holder also writes `annotations` on the Lease (the manager puts its agents' endpoint
 * there), and every candidate remembers the holder it last read: that is how a standby finds
 * the leader to forward agents' calls to, with no extra API call.
 */
import { CoordinationV1Api, type V1Lease, V1MicroTime } from '@kubernetes/client-node';
import { apiStatusCode, describeError } from './api-errors.ts';
import type { KubeClient } from './client.ts';
import { checkLeaseTiming, type ElectionClock, type LeaseTiming, SYSTEM_CLOCK } from './lease-timing.ts';
import type { Logger } from './log.ts';
import { withTimeout } from './request-timeout.ts';

export interface LeaderElectionOptions extends Partial<LeaseTiming> {
  client: KubeClient;
  namespace: string;
  name: string;
  identity: string;
  log: Logger;
  clock?: ElectionClock;
  /** Written on the Lease with every acquire and renewal, for the other candidates to read. */
  annotations?: Record<string, string>;
  onStartedLeading: () => void;
  onStoppedLeading: () => void;
}

export interface LeaseHolder {
  identity: string;
  annotations: Record<string, string>;
}

/** A write refused, or aborted, because this replica does not (or no longer) lead. */
export class NotLeaderError extends Error {
  override readonly name = 'NotLeaderError';
  /** False: refused, nothing was sent. True: it was in flight when the term ended, and was aborted. */
  readonly inFlight: boolean;

  constructor(message: string, inFlight: boolean) {
    super(message);
    this.inFlight = inFlight;
  }
}

/** What one round of acquire-or-renew came to. */
type Outcome = 'won' | 'held-by-another' | 'lost-race' | 'no-time';

/** The smallest call timeout worth sending (request-timeout.ts refuses less). */
const MIN_CALL_MS = 50;

export class LeaderElector {
  readonly #o: LeaderElectionOptions;
  readonly #timing: LeaseTiming;
  readonly #clock: ElectionClock;
  readonly #api: CoordinationV1Api;
  #stopped = false;
  #round?: NodeJS.Timeout;
  #deadline?: NodeJS.Timeout;
  /** Present while leading; aborted the moment the term ends. */
  #term?: AbortController;
  /** Monotonic start of the last successful acquire or renew. */
  #renewedAt = 0;
  /** The record last read or written, and when (monotonic) it was first seen in that state. */
  #observed?: { record: string; holder?: LeaseHolder; at: number };

  constructor(options: LeaderElectionOptions) {
    this.#o = options;
    this.#timing = checkLeaseTiming(options);
    this.#clock = options.clock ?? SYSTEM_CLOCK;
    this.#api = options.client.kc.makeApiClient(CoordinationV1Api);
  }

  get leading(): boolean {
    this.#checkDeadline();
    return this.#term !== undefined;
  }

  /** While leading, a signal that aborts (with a NotLeaderError) the moment this term ends. */
  termSignal(): AbortSignal | undefined {
    this.#checkDeadline();
    return this.#term?.signal;
  }

  /**
   * Ends the term if the renew deadline has passed by the clock, whether or not the deadline
   * timer has fired yet: after the event loop stalled (a long GC, a starved CPU), the code that
   * runs first may be a worker's next write, and it must find the term over.
   */
  #checkDeadline(): void {
    if (this.#term && this.#clock.monotonicMs() - this.#renewedAt >= this.#timing.renewDeadlineMs) {
      this.#stepDown('no renewal within the renew deadline');
    }
  }

  /** The error a write gets when this replica does not lead (`inFlight`: it was aborted). */
  notLeader(what: string, inFlight = false): NotLeaderError {
    const { identity, namespace, name } = this.#o;
    return new NotLeaderError(`${identity} does not lead Lease ${namespace}/${name}: ${what}`, inFlight);
  }

  /**
   * The Lease's holder as this candidate last read or wrote it, while that lease is live by this
   * candidate's clock (undefined before the first read, when nobody holds it, or once it has
   * expired). It can be up to `retryMs` old: a caller must expect the holder to be gone.
   */
  leader(): LeaseHolder | undefined {
    const observed = this.#observed;
    return observed && !this.#expired() ? observed.holder : undefined;
  }

  start(): void {
    void this.#campaign();
  }

  /** Stops campaigning; a leader steps down (without releasing: the lease simply expires). */
  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#round);
    this.#stepDown('stopped');
  }

  async #campaign(): Promise<void> {
    if (this.#stopped) {
      return;
    }
    const started = this.#clock.monotonicMs();
    const outcome = await this.#tryAcquireOrRenew(started).catch((error: unknown) => {
      this.#o.log.error('lease update failed', { lease: this.#o.name, error: describeError(error) });
      return 'no-time' as const;
    });
    if (this.#stopped) {
      return;
    }
    if (outcome === 'won') {
      this.#renewed(started);
    } else if (outcome === 'held-by-another') {
      this.#stepDown('another candidate holds the lease');
    }
    // A failed renew changes nothing yet: the deadline timer ends the term if none succeeds.
    this.#round = setTimeout(() => void this.#campaign(), this.#timing.retryMs);
  }

  #renewed(started: number): void {
    const left = started + this.#timing.renewDeadlineMs - this.#clock.monotonicMs();
    if (left <= 0) {
      return; // too late to act on (calls are cut before this); the deadline timer ends a term
    }
    this.#renewedAt = started;
    clearTimeout(this.#deadline);
    this.#deadline = setTimeout(() => this.#stepDown('no renewal within the renew deadline'), left);
    if (!this.#term) {
      this.#term = new AbortController();
      this.#o.log.info('became leader', { lease: this.#o.name, identity: this.#o.identity });
      this.#o.onStartedLeading();
    }
  }

  #stepDown(reason: string): void {
    clearTimeout(this.#deadline);
    const term = this.#term;
    if (!term) {
      return;
    }
    this.#term = undefined;
    term.abort(this.notLeader(`stopped leading (${reason}); the call was aborted`, true));
    this.#o.log.info('stopped leading', { lease: this.#o.name, identity: this.#o.identity, reason });
    this.#o.onStoppedLeading();
  }

  /**
   * How long the next call of a round begun at `started` may take: the call timeout, and never
   * past the renew deadline (from the last renew while leading, from the round's start when
   * acquiring), so a round never succeeds too late to lead. Undefined when there is no time left
   * worth a call.
   */
  #callTimeout(started: number): number | undefined {
    const { callTimeoutMs, renewDeadlineMs } = this.#timing;
    const base = this.#term ? this.#renewedAt : started;
    const untilDeadline = base + renewDeadlineMs - this.#clock.monotonicMs();
    const ms = Math.floor(Math.min(callTimeoutMs, untilDeadline));
    return ms >= MIN_CALL_MS ? ms : undefined;
  }

  #expired(): boolean {
    const observed = this.#observed;
    return !observed || this.#clock.monotonicMs() - observed.at >= this.#timing.leaseDurationMs;
  }

  /** Notes the record; its time of observation moves only when the record changed. */
  #observe(lease: V1Lease): void {
    const spec = lease.spec;
    const record = JSON.stringify([spec?.holderIdentity, spec?.renewTime, lease.metadata?.resourceVersion]);
    if (this.#observed?.record === record) {
      return;
    }
    const identity = spec?.holderIdentity;
    this.#observed = {
      record,
      at: this.#clock.monotonicMs(),
      holder: identity ? { identity, annotations: lease.metadata?.annotations ?? {} } : undefined,
    };
  }

  async #tryAcquireOrRenew(started: number): Promise<Outcome> {
    const { namespace, name, identity } = this.#o;
    const readTimeout = this.#callTimeout(started);
    if (readTimeout === undefined) {
      return 'no-time';
    }
    let lease: V1Lease;
    try {
      lease = await this.#api.readNamespacedLease({ name, namespace }, withTimeout(readTimeout));
    } catch (error) {
      if (apiStatusCode(error) === 404) {
        return this.#create(started);
      }
      throw error;
    }
    this.#observe(lease);
    const holder = lease.spec?.holderIdentity;
    const mine = holder === identity;
    if (holder && !mine && !this.#expired()) {
      return 'held-by-another';
    }
    const writeTimeout = this.#callTimeout(started);
    if (writeTimeout === undefined) {
      return 'no-time';
    }
    const spec = lease.spec ?? {};
    const body: V1Lease = {
      ...lease,
      metadata: this.#metadata(lease),
      spec: this.#spec({
        acquiredMs: mine && spec.acquireTime ? new Date(spec.acquireTime).getTime() : this.#clock.wallMs(),
        transitions: (spec.leaseTransitions ?? 0) + (mine ? 0 : 1),
      }),
    };
    return this.#write(() =>
      this.#api.replaceNamespacedLease({ name, namespace, body }, withTimeout(writeTimeout)),
    );
  }

  async #create(started: number): Promise<Outcome> {
    const timeout = this.#callTimeout(started);
    if (timeout === undefined) {
      return 'no-time';
    }
    const { namespace } = this.#o;
    const body = {
      metadata: this.#metadata(),
      spec: this.#spec({ acquiredMs: this.#clock.wallMs(), transitions: 0 }),
    };
    return this.#write(() => this.#api.createNamespacedLease({ namespace, body }, withTimeout(timeout)));
  }

  /** A write that wins the round unless another candidate wrote first (409). */
  async #write(call: () => Promise<V1Lease>): Promise<Outcome> {
    try {
      this.#observe(await call());
      return 'won';
    } catch (error) {
      if (apiStatusCode(error) === 409) {
        return 'lost-race';
      }
      throw error;
    }
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

  #spec({ acquiredMs, transitions }: { acquiredMs: number; transitions: number }) {
    return {
      holderIdentity: this.#o.identity,
      leaseDurationSeconds: Math.ceil(this.#timing.leaseDurationMs / 1000),
      acquireTime: new V1MicroTime(acquiredMs),
      renewTime: new V1MicroTime(this.#clock.wallMs()),
      leaseTransitions: transitions,
    };
  }
}
