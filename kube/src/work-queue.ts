/**
 * A rate-limited work queue keyed by object, after client-go's: a key is queued at most once
 * however many events name it; a key being processed is never handed to a second worker (if
 * it changes meanwhile it is queued again when the first finishes); failures back off per key,
 * exponentially, until `forget`.
 */
export interface BackoffPolicy {
  baseMs: number;
  maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 200, maxMs: 60000 };

export class WorkQueue {
  readonly #backoff: BackoffPolicy;
  readonly #queue: string[] = [];
  readonly #queued = new Set<string>();
  readonly #processing = new Set<string>();
  /** Keys that were added while being processed: queued again on `done`. */
  readonly #dirty = new Set<string>();
  readonly #failures = new Map<string, number>();
  /** Delayed adds by key, with when each fires: a key waits once, at its earliest time. */
  readonly #timers = new Map<string, { timer: NodeJS.Timeout; at: number }>();
  readonly #waiters: ((key: string | undefined) => void)[] = [];
  #shutDown = false;

  constructor(backoff: BackoffPolicy = DEFAULT_BACKOFF) {
    this.#backoff = backoff;
  }

  add(key: string): void {
    if (this.#shutDown) {
      return;
    }
    if (this.#processing.has(key)) {
      this.#dirty.add(key);
      return;
    }
    if (this.#queued.has(key)) {
      return;
    }
    const waiter = this.#waiters.shift();
    if (waiter) {
      this.#processing.add(key);
      waiter(key);
      return;
    }
    this.#queued.add(key);
    this.#queue.push(key);
  }

  addAfter(key: string, delayMs: number): void {
    if (this.#shutDown) {
      return;
    }
    // Like client-go's AddAfter: a key already waiting to be added keeps the earlier time, so a
    // burst of events (a resync offering every site) becomes one reconcile, not one per event.
    const at = Date.now() + delayMs;
    const waiting = this.#timers.get(key);
    if (waiting && waiting.at <= at) {
      return;
    }
    clearTimeout(waiting?.timer);
    const timer = setTimeout(() => {
      this.#timers.delete(key);
      this.add(key);
    }, delayMs);
    this.#timers.set(key, { timer, at });
  }

  /** Re-queues after this key's next backoff step; returns the delay used. */
  addRateLimited(key: string): number {
    const failures = this.#failures.get(key) ?? 0;
    this.#failures.set(key, failures + 1);
    const delay = Math.min(this.#backoff.baseMs * 2 ** failures, this.#backoff.maxMs);
    this.addAfter(key, delay);
    return delay;
  }

  /** The key succeeded: its next failure starts the backoff afresh. */
  forget(key: string): void {
    this.#failures.delete(key);
  }

  failures(key: string): number {
    return this.#failures.get(key) ?? 0;
  }

  /** The next key to process, or undefined once the queue is shut down. */
  get(): Promise<string | undefined> {
    const key = this.#queue.shift();
    if (key !== undefined) {
      this.#queued.delete(key);
      this.#processing.add(key);
      return Promise.resolve(key);
    }
    if (this.#shutDown) {
      return Promise.resolve(undefined);
    }
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  done(key: string): void {
    this.#processing.delete(key);
    if (this.#dirty.delete(key)) {
      this.add(key);
    }
  }

  /** Keys waiting for a delayed add. */
  get delayed(): number {
    return this.#timers.size;
  }

  get depth(): number {
    return this.#queue.length;
  }

  /** Takes keys again after `shutDown` (a controller started on a new lease). */
  reopen(): void {
    this.#shutDown = false;
  }

  shutDown(): void {
    this.#shutDown = true;
    for (const { timer } of this.#timers.values()) {
      clearTimeout(timer);
    }
    this.#timers.clear();
    for (const waiter of this.#waiters.splice(0)) {
      waiter(undefined);
    }
  }
}
