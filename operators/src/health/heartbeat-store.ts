/**
 * Heartbeats live in memory: at 21,000 sites every 5 s, writing each to etcd would be 4,200
 * writes a second. The store keeps the last heartbeat per site; the health controller persists
 * a site's status only when its phase or findings change, and its telemetry at a low rate.
 */
import type { Telemetry } from './diagnosis.ts';

export interface Heartbeat {
  at: number;
  telemetry: Telemetry;
  release?: string;
  /** A release the agent tried and could not bring up. */
  failedRelease?: string;
}

export class HeartbeatStore {
  readonly #last = new Map<string, Heartbeat>();
  readonly #listeners: ((key: string) => void)[] = [];

  record(key: string, heartbeat: Heartbeat): void {
    const first = !this.#last.has(key);
    this.#last.set(key, heartbeat);
    if (first) {
      for (const listener of this.#listeners) {
        listener(key);
      }
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

  /** Called with a key when its site is heard from for the first time. */
  onFirst(listener: (key: string) => void): void {
    this.#listeners.push(listener);
  }
}
