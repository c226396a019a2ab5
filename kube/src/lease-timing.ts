/**
 * The timing of a leader election, checked once: the safety of leader-election.ts rests on
 * renewDeadline < leaseDuration (the leader stops before a standby may take over) and on a
 * renew having room for retries inside its deadline. A setting that breaks a rule is refused
 * with the setting named, before anything campaigns. Time itself is measured on an injected
 * clock, so tests can skew a replica's wall clock or make its timers run late.
 */

/** Time as the elector sees it; injected so tests can skew a replica's wall clock. */
export interface ElectionClock {
  /** Milliseconds on a monotonic clock: every deadline and expiry is measured on it. */
  monotonicMs(): number;
  /** Milliseconds since the epoch: only written on the Lease (acquireTime, renewTime), for people. */
  wallMs(): number;
}

export const SYSTEM_CLOCK: ElectionClock = { monotonicMs: () => performance.now(), wallMs: () => Date.now() };

export interface LeaseTiming {
  /** How long a standby waits, from its last observation of a renewal, before taking over. */
  leaseDurationMs: number;
  /** How long a leader may go without a successful renew before it stops leading. */
  renewDeadlineMs: number;
  /** Time between rounds: a leader's renews, a standby's tries. */
  retryMs: number;
  /** The longest one call to the API server may take (never past the renew deadline). */
  callTimeoutMs: number;
}

/** client-go's defaults, which `npm start`, `npm run operators` and the hub stack run with. */
export const DEFAULT_LEASE_TIMING: Omit<LeaseTiming, 'callTimeoutMs'> = {
  leaseDurationMs: 15_000,
  renewDeadlineMs: 10_000,
  retryMs: 2_000,
};

/** client-go's JitterFactor: a renew deadline must leave room for more than one retry period. */
const RETRY_ROOM = 1.2;
const MIN_MS = 100;
const MAX_LEASE_MS = 3_600_000;

/**
 * As controller-runtime sets the leader-election client's timeout: half the renew deadline (at
 * least a second), so one hung call leaves time to retry before the deadline.
 */
export function defaultCallTimeoutMs(renewDeadlineMs: number): number {
  return Math.min(renewDeadlineMs, Math.max(1000, renewDeadlineMs / 2));
}

function ms(value: number, setting: string, max: number): number {
  if (!Number.isFinite(value) || value < MIN_MS || value > max) {
    throw new RangeError(`leader election: ${setting} must be between ${MIN_MS} and ${max} ms, not ${value}`);
  }
  return value;
}

/** The timing with defaults filled in; a RangeError naming the setting when a rule is broken. */
export function checkLeaseTiming(asked: Partial<LeaseTiming>): LeaseTiming {
  const leaseDurationMs = ms(
    asked.leaseDurationMs ?? DEFAULT_LEASE_TIMING.leaseDurationMs,
    'leaseDurationMs',
    MAX_LEASE_MS,
  );
  const renewDeadlineMs = ms(
    asked.renewDeadlineMs ?? DEFAULT_LEASE_TIMING.renewDeadlineMs,
    'renewDeadlineMs',
    MAX_LEASE_MS,
  );
  const retryMs = ms(asked.retryMs ?? DEFAULT_LEASE_TIMING.retryMs, 'retryMs', MAX_LEASE_MS);
  const callTimeoutMs = ms(
    asked.callTimeoutMs ?? defaultCallTimeoutMs(renewDeadlineMs),
    'callTimeoutMs',
    MAX_LEASE_MS,
  );
  if (renewDeadlineMs >= leaseDurationMs) {
    throw new RangeError(
      `leader election: renewDeadlineMs (${renewDeadlineMs}) must be below leaseDurationMs (${leaseDurationMs}), or a standby could take over while the leader still acts`,
    );
  }
  if (renewDeadlineMs <= RETRY_ROOM * retryMs) {
    throw new RangeError(
      `leader election: renewDeadlineMs (${renewDeadlineMs}) must exceed ${RETRY_ROOM} x retryMs (${retryMs}), so a failed renew can be retried before the deadline`,
    );
  }
  if (callTimeoutMs > renewDeadlineMs) {
    throw new RangeError(
      `leader election: callTimeoutMs (${callTimeoutMs}) must not exceed renewDeadlineMs (${renewDeadlineMs})`,
    );
  }
  return { leaseDurationMs, renewDeadlineMs, retryMs, callTimeoutMs };
}
