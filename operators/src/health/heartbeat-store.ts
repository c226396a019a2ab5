/**
 * Heartbeats live in memory: at 21,000 sites every 5 s, writing each to etcd would be 4,200
 * writes a second. The store keeps the last heartbeat per site; the health controller persists
 * a site's status only when its phase or findings change, and its telemetry at a low rate.
 */
import type { Telemetry } from './diagnosis.ts';

export interface Heartbeat {
  at: number;
  /** Absent only for an assumed heartbeat: nothing was measured. */
  telemetry?: Telemetry;
  /** Time since the site's previous heartbeat, so per-heartbeat counts become rates. */
  intervalMs?: number;
  /**
   * Not heard: a new leader takes a site the hub says was heard from as heard at `at` (its
   * grace counts from there), keeping when it was really last heard as the hub recorded it.
   */
  assumed?: { lastHeard?: number };
  release?: string;
  /** A release the agent tried and could not bring up. */
  failedRelease?: string;
  /** How far the site has pre-positioned its content placement. */
  fill?: { plannedMB: number; filledMB: number };
}

/** Telemetry samples kept per site for series and replays: a day at one per minute. */
export const HISTORY_LIMIT = 1440;

export interface TelemetrySample {
  at: number;
  telemetry: Telemetry;
}

export class HeartbeatStore {
  readonly #last = new Map<string, Heartbeat>();
  readonly #history = new Map<string, TelemetrySample[]>();
  readonly #listeners: ((key: string) => void)[] = [];

  record(key: string, heartbeat: Heartbeat & { telemetry: Telemetry }): void {
    const previous = this.#last.get(key);
    const first = previous === undefined;
    const intervalMs = previous && !previous.assumed ? heartbeat.at - previous.at : undefined;
    this.#last.set(key, { ...heartbeat, intervalMs });
    this.addSamples(key, [{ at: heartbeat.at, telemetry: heartbeat.telemetry }]);
    if (first) {
      for (const listener of this.#listeners) {
        listener(key);
      }
    }
  }

  /**
   * Takes a site as heard from at `heartbeat.at` unless it has really been heard from: what a
   * new leader assumes of the sites the hub says are up, so that one whose agent never calls
   * this replica still goes Offline after the grace, and one that does is not flapped Offline.
   * Records no telemetry sample.
   */
  assumeHeard(key: string, heartbeat: { at: number; lastHeard?: number; release?: string }): void {
    if (this.#last.has(key)) {
      return;
    }
    const { at, lastHeard, release } = heartbeat;
    this.#last.set(key, { at, release, assumed: { lastHeard } });
    for (const listener of this.#listeners) {
      listener(key);
    }
  }

  /** Adds samples (live or replayed by an agent after an outage), oldest dropped past the limit. */
  addSamples(key: string, samples: readonly TelemetrySample[]): void {
    const list = this.#history.get(key) ?? [];
    list.push(...samples);
    list.sort((a, b) => a.at - b.at);
    this.#history.set(key, list.length > HISTORY_LIMIT ? list.slice(-HISTORY_LIMIT) : list);
  }

  history(key: string): readonly TelemetrySample[] {
    return this.#history.get(key) ?? [];
  }

  get(key: string): Heartbeat | undefined {
    return this.#last.get(key);
  }

  /** Keys whose last heartbeat is older than `graceMs` at `now`. */
  overdue(now: number, graceMs: number): string[] {
    return [...this.#last].filter(([, hb]) => now - hb.at > graceMs).map(([key]) => key);
  }

  keys(): string[] {
    return [...this.#last.keys()];
  }

  /** Called with a key when its site is heard from for the first time. */
  onFirst(listener: (key: string) => void): void {
    this.#listeners.push(listener);
  }
}
