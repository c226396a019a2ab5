/**
 * Telemetry the hub did not take, kept on disk (JSON lines) until it can be replayed. Bounded:
 * past `limit` samples the oldest go first, so a long outage costs the oldest samples, never
 * the disk. Within the bound nothing is lost, across agent restarts too.
 */
import { appendFileSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { TelemetrySample } from '../health/heartbeat-store.ts';

export class TelemetryBuffer {
  readonly #file: string;
  readonly #limit: number;

  constructor(file: string, limit = 10000) {
    this.#file = file;
    this.#limit = limit;
  }

  read(): TelemetrySample[] {
    if (!existsSync(this.#file)) {
      return [];
    }
    return readFileSync(this.#file, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as TelemetrySample);
  }

  append(sample: TelemetrySample): void {
    appendFileSync(this.#file, `${JSON.stringify(sample)}\n`);
    const all = this.read();
    if (all.length > this.#limit) {
      this.#rewrite(all.slice(-this.#limit));
    }
  }

  /** Drops the first `count` samples (those the hub has accepted). */
  drop(count: number): void {
    this.#rewrite(this.read().slice(count));
  }

  #rewrite(samples: readonly TelemetrySample[]): void {
    const tmp = `${this.#file}.tmp`;
    writeFileSync(tmp, samples.map((s) => `${JSON.stringify(s)}\n`).join(''));
    renameSync(tmp, this.#file); // atomic: a crash leaves the old or the new buffer, never half
  }
}
