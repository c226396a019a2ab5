/**
 * Telemetry the hub did not take, kept on disk (JSON lines) until it can be replayed. Bounded:
 * past `limit` samples the oldest go first, so a long outage costs the oldest samples, never
 * the disk. Within the bound nothing is lost, across agent restarts too. The default holds
 * the replay window at 5 s beats (14 h, 10,080 samples): a 12-hour outage fits whole.
 */
import { appendFileSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { DEFAULT_HEARTBEAT_MS, DEFAULT_REPLAY_WINDOW_MS, type TelemetrySample } from '@smart-fleet/model';

export const DEFAULT_BUFFER_LIMIT = DEFAULT_REPLAY_WINDOW_MS / DEFAULT_HEARTBEAT_MS;

export class TelemetryBuffer {
  readonly #file: string;
  readonly #limit: number;
  /** Samples in the file, counted once at start: appends need not re-read it. */
  #size: number;

  constructor(file: string, limit = DEFAULT_BUFFER_LIMIT) {
    this.#file = file;
    this.#limit = limit;
    const samples = this.read();
    this.#size = samples.length;
    if (existsSync(file) && !readFileSync(file, 'utf8').endsWith('\n')) {
      this.#rewrite(samples); // a crash mid-append left half a line: the next append must not join it
    }
  }

  get size(): number {
    return this.#size;
  }

  /** Every buffered sample, oldest first. A line cut short by a crash is skipped. */
  read(): TelemetrySample[] {
    if (!existsSync(this.#file)) {
      return [];
    }
    const samples: TelemetrySample[] = [];
    for (const line of readFileSync(this.#file, 'utf8').split('\n')) {
      try {
        if (line) {
          samples.push(JSON.parse(line) as TelemetrySample);
        }
      } catch {
        // a partial last line from a crash mid-append: the sample was never complete
      }
    }
    return samples;
  }

  /** The oldest `count` samples, what a replay batch sends. */
  head(count: number): TelemetrySample[] {
    return this.read().slice(0, count);
  }

  append(sample: TelemetrySample): void {
    appendFileSync(this.#file, `${JSON.stringify(sample)}\n`);
    this.#size++;
    if (this.#size > this.#limit) {
      this.#rewrite(this.read().slice(-this.#limit));
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
    this.#size = samples.length;
  }
}
