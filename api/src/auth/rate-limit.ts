/**
 * A token bucket per caller (an API key, a staff subject, an address): `burst` requests at once,
 * then `ratePerSecond` sustained. Memory is bounded: past `maxKeys` callers the one seen least
 * recently is forgotten, which at worst gives it a fresh, full bucket.
 */

export interface RateLimitOptions {
  ratePerSecond: number;
  burst: number;
  /** How many callers to remember; 100 000 unless given. */
  maxKeys?: number;
}

export type RateLimitDecision = { ok: true } | { ok: false; retryAfterSeconds: number };

interface Bucket {
  tokens: number;
  /** When `tokens` was last brought up to date, in ms. */
  at: number;
}

export class RateLimiter {
  readonly #ratePerMs: number;
  readonly #ratePerSecond: number;
  readonly #burst: number;
  readonly #maxKeys: number;
  /** Insertion order is recency order: a key is re-inserted on every use, so the first is the LRU. */
  readonly #buckets = new Map<string, Bucket>();

  constructor(options: RateLimitOptions) {
    const maxKeys = options.maxKeys ?? 100_000;
    if (!(options.ratePerSecond > 0) || !(options.burst >= 1) || !(maxKeys >= 1)) {
      throw new RangeError('RateLimiter needs ratePerSecond > 0, burst >= 1 and maxKeys >= 1');
    }
    this.#ratePerSecond = options.ratePerSecond;
    this.#ratePerMs = options.ratePerSecond / 1000;
    this.#burst = options.burst;
    this.#maxKeys = maxKeys;
  }

  /** Spends one token of `key`'s bucket if it has one. */
  take(key: string, now: number = Date.now()): RateLimitDecision {
    const bucket = this.#refilled(key, now);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { ok: true };
    }
    return { ok: false, retryAfterSeconds: this.#wait(bucket) };
  }

  /** Whole seconds until the bucket holds a token again. */
  #wait(bucket: Bucket): number {
    return Math.max(1, Math.ceil((1 - bucket.tokens) / this.#ratePerSecond));
  }

  /** What `take` would decide, spending nothing. */
  peek(key: string, now: number = Date.now()): RateLimitDecision {
    const bucket = this.#refilled(key, now);
    return bucket.tokens >= 1 ? { ok: true } : { ok: false, retryAfterSeconds: this.#wait(bucket) };
  }

  /** How many callers are remembered now. */
  get size(): number {
    return this.#buckets.size;
  }

  #refilled(key: string, now: number): Bucket {
    const bucket = this.#buckets.get(key);
    if (bucket) {
      this.#buckets.delete(key);
      // A clock that steps back refills nothing rather than draining the bucket.
      const elapsed = Math.max(0, now - bucket.at);
      bucket.tokens = Math.min(this.#burst, bucket.tokens + elapsed * this.#ratePerMs);
      bucket.at = Math.max(bucket.at, now);
      this.#buckets.set(key, bucket);
      return bucket;
    }
    const fresh = { tokens: this.#burst, at: now };
    this.#buckets.set(key, fresh);
    if (this.#buckets.size > this.#maxKeys) {
      const leastRecent = this.#buckets.keys().next().value;
      if (leastRecent !== undefined) {
        this.#buckets.delete(leastRecent);
      }
    }
    return fresh;
  }
}
