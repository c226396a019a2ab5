/**
 * Limits per source address, applied before a key is looked up or a token verified, so that
 * guessing keys is slow whoever guesses. Two buckets per address: every request spends one of
 * `requests` (as generous as one staff member's own limit, so it only bites a flood); a failed
 * authentication spends one of `failures`, and an address with none left is refused outright,
 * valid credentials or not, until the bucket refills. With the defaults an address gets 10
 * wrong guesses at once, then one a second. Memory is bounded by the limiters' key counts.
 */
import { type RateLimitDecision, RateLimiter, type RateLimitOptions } from './rate-limit.ts';

export interface AddressLimitOptions {
  requests: RateLimitOptions;
  failures: RateLimitOptions;
}

export const DEFAULT_ADDRESS_LIMITS: AddressLimitOptions = {
  requests: { ratePerSecond: 1000, burst: 2000 },
  failures: { ratePerSecond: 1, burst: 10 },
};

export type AddressVerdict = { ok: true } | { ok: false; retryAfterSeconds: number; message: string };

export class AddressLimiter {
  readonly #requests: RateLimiter;
  readonly #failures: RateLimiter;

  constructor(options: AddressLimitOptions = DEFAULT_ADDRESS_LIMITS) {
    this.#requests = new RateLimiter(options.requests);
    this.#failures = new RateLimiter(options.failures);
  }

  /** Before authentication: may a request from `address` be looked at at all? */
  admit(address: string, now: number = Date.now()): AddressVerdict {
    const failures = this.#failures.peek(address, now);
    if (!failures.ok) {
      return refused(failures, 'too many failed authentications from this address');
    }
    const requests = this.#requests.take(address, now);
    return requests.ok ? requests : refused(requests, 'rate limit for this address exceeded');
  }

  /** After a failed authentication from `address`. */
  failed(address: string, now: number = Date.now()): void {
    this.#failures.take(address, now);
  }
}

function refused(decision: RateLimitDecision, why: string): AddressVerdict {
  const retryAfterSeconds = decision.ok ? 1 : decision.retryAfterSeconds;
  return { ok: false, retryAfterSeconds, message: `${why}; retry in ${retryAfterSeconds} s` };
}
