/**
 * Heartbeats live in memory: at 21,000 sites every 5 s, writing each to etcd would be 4,200
 * writes a second. The store keeps only the last heartbeat per site, what health and the
 * rollout gates judge by. Telemetry history is not kept here: the leader exports each site's
 * latest sample as metrics (telemetry-metrics.ts) and Prometheus, scraping them, holds the
 * series; replayed samples go to Prometheus directly (telemetry-replay.ts).
 */
import type { SiteTelemetry } from '@smart-fleet/model';

export interface Heartbeat {
  /** When the hub received it (the hub's clock), milliseconds. */
  at: number;
  /** Absent only for an assumed heartbeat: nothing was measured. */
  telemetry?: SiteTelemetry;
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
  /** Why, as the site's cluster said it (ImagePullBackOff, CrashLoopBackOff, Unschedulable...). */
  failedReason?: string;
  /** How far the site has pre-positioned its content placement. */
  fill?: { plannedMB: number; filledMB: number };
}

export class HeartbeatStore {
  readonly #last = new Map<string, Heartbeat>();
  readonly #listeners: ((key: string) => void)[] = [];

  record(key: string, heartbeat: Heartbeat & { telemetry: SiteTelemetry }): void {
    const previous = this.#last.get(key);
    const intervalMs = previous && !previous.assumed ? heartbeat.at - previous.at : undefined;
    this.#last.set(key, { ...heartbeat, intervalMs });
    if (previous === undefined) {
      for (const listener of this.#listeners) {
        listener(key);
      }
    }
  }

  /**
   * Takes a site as heard from at `heartbeat.at` unless it has really been heard from: what a
   * new leader assumes of the sites the hub says were heard from, so that one whose agent never
   * calls this replica still goes Offline after the grace, and one that does is not flapped
   * Offline.
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

  /** Every site's last heartbeat, for the metrics export (no copy). */
  entries(): IterableIterator<[string, Heartbeat]> {
    return this.#last.entries();
  }

  /** Called with a key when its site is heard from for the first time. */
  onFirst(listener: (key: string) => void): void {
    this.#listeners.push(listener);
  }
}
