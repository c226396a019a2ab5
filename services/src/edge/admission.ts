/**
 * Admission control at the edge: the arithmetic, no I/O. A playback session is admitted only
 * while the site's egress budget holds (the admitted sessions' reserved bitrates sum within
 * `egressBudgetMbps`) and the subscriber is under its concurrent-stream limit; an admitted
 * session keeps its reservation until it is closed or goes idle, so new arrivals can be refused
 * but never take an admitted session's share.
 */
export interface Session {
  id: string;
  subscriber: string;
  title: string;
  /** What the session reserves of the budget (its title's top rendition). */
  bitrateMbps: number;
  /** The entitlement token it was opened with, forwarded to the license proxy only. */
  entitlement: string;
  openedAt: number;
  lastSeenAt: number;
  /** Hard end (ms), also signed into its URLs. */
  expiresAt: number;
}

export type Refusal =
  | { reason: 'egress-budget'; message: string; retryAfterSeconds: number }
  | { reason: 'subscriber-limit'; message: string; retryAfterSeconds: number };

export interface AdmissionLimits {
  egressBudgetMbps: number;
  maxStreamsPerSubscriber: number;
  /** A session with no request for this long ends and frees its share. */
  idleTimeoutMs: number;
}

export class AdmissionBook {
  readonly #limits: AdmissionLimits;
  readonly #sessions = new Map<string, Session>();
  #reservedMbps = 0;
  readonly refusals = { 'egress-budget': 0, 'subscriber-limit': 0 };

  constructor(limits: AdmissionLimits) {
    this.#limits = limits;
  }

  get limits(): AdmissionLimits {
    return this.#limits;
  }

  get active(): number {
    return this.#sessions.size;
  }

  get reservedMbps(): number {
    return this.#reservedMbps;
  }

  /** Admits the session or says why not; a refusal changes nothing but its counter. */
  admit(session: Session): Refusal | undefined {
    const { egressBudgetMbps, maxStreamsPerSubscriber, idleTimeoutMs } = this.#limits;
    const retryAfterSeconds = Math.max(1, Math.ceil(idleTimeoutMs / 1000));
    if (this.#reservedMbps + session.bitrateMbps > egressBudgetMbps + 1e-9) {
      this.refusals['egress-budget']++;
      return {
        reason: 'egress-budget',
        message: `the site's egress budget is in use: ${round(this.#reservedMbps)} of ${egressBudgetMbps} Mbps reserved, ${session.bitrateMbps} Mbps asked`,
        retryAfterSeconds,
      };
    }
    const own = [...this.#sessions.values()].filter((s) => s.subscriber === session.subscriber).length;
    if (own >= maxStreamsPerSubscriber) {
      this.refusals['subscriber-limit']++;
      return {
        reason: 'subscriber-limit',
        message: `subscriber already has ${own} of ${maxStreamsPerSubscriber} concurrent streams`,
        retryAfterSeconds,
      };
    }
    this.#sessions.set(session.id, session);
    this.#reservedMbps += session.bitrateMbps;
    return undefined;
  }

  /** The open session with this id, marked as seen now; undefined if unknown, idle-ended or expired. */
  touch(id: string, now: number): Session | undefined {
    const session = this.#sessions.get(id);
    if (!session) {
      return undefined;
    }
    if (now >= session.expiresAt || now - session.lastSeenAt > this.#limits.idleTimeoutMs) {
      this.close(id);
      return undefined;
    }
    session.lastSeenAt = now;
    return session;
  }

  close(id: string): boolean {
    const session = this.#sessions.get(id);
    if (!session) {
      return false;
    }
    this.#sessions.delete(id);
    this.#reservedMbps = Math.max(0, this.#reservedMbps - session.bitrateMbps);
    return true;
  }

  /** Ends idle and expired sessions; returns how many ended. */
  sweep(now: number): number {
    let ended = 0;
    for (const s of [...this.#sessions.values()]) {
      if (now >= s.expiresAt || now - s.lastSeenAt > this.#limits.idleTimeoutMs) {
        this.close(s.id);
        ended++;
      }
    }
    return ended;
  }
}

const round = (n: number) => Math.round(n * 10) / 10;
