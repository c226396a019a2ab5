/**
 * What an agent buffered through a hub outage, into Prometheus with the times it was taken
 * (remote write; docs/ARCHITECTURE.md says why not backfill). A batch is at most
 * MAX_REPLAY_BATCH samples. Samples Prometheus would refuse are answered for, never dropped in
 * silence: older than the replay window (Prometheus's out-of-order window, less a margin) or
 * from the future (a bad clock would poison the TSDB's head) are counted back to the agent as
 * refused, with the reason; a batch Prometheus refuses anyway is a 422 with its words.
 */
import type { Registry } from '@smart-fleet/kube';
import { Counter } from '@smart-fleet/kube';
import {
  REPLAY_LABEL,
  TELEMETRY_FIELDS,
  TELEMETRY_METRICS,
  type TelemetryLabels,
  type TelemetrySample,
} from '@smart-fleet/model';
import {
  type RemoteSeries,
  RemoteWriteRefused,
  type RemoteWriter,
  RemoteWriteUnavailable,
} from './prometheus-remote-write.ts';

/** Samples per POST /v1/telemetry: 12 h at 5 s beats (8,640) is nine batches. */
export const MAX_REPLAY_BATCH = 1000;
/** Request body limit of /v1/telemetry: a full batch of the largest samples fits with room. */
export const MAX_REPLAY_BODY = 512 * 1024;
/** Kept under Prometheus's out-of-order window, so what passes here Prometheus still takes. */
const WINDOW_MARGIN_MS = 10 * 60_000;
/** Agent clocks ahead of the hub's by more than this are refused, not written. */
const MAX_FUTURE_MS = 5 * 60_000;

export class ReplayError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

export interface ReplayOutcome {
  accepted: number;
  refused: number;
  /** Why samples were refused, when some were. */
  refusedReason?: string;
}

export interface TelemetryReplayOptions {
  /** Where replays go; without one the hub keeps no history and says so (503). */
  writer?: RemoteWriter;
  labelsOf: (key: string) => TelemetryLabels | undefined;
  /** Prometheus's out-of-order window (`storage.tsdb.out_of_order_time_window`), ms. */
  outOfOrderWindowMs: number;
  registry?: Registry;
  now?: () => number;
}

export class TelemetryReplay {
  readonly #o: TelemetryReplayOptions;
  readonly #samples?: Counter<'outcome'>;

  constructor(options: TelemetryReplayOptions) {
    this.#o = options;
    this.#samples = options.registry
      ? new Counter({
          name: 'smart_fleet_telemetry_replayed_samples_total',
          help: 'Telemetry samples agents replayed after an outage, by outcome (stored, too_old, future, refused).',
          labelNames: ['outcome'],
          registers: [options.registry],
        })
      : undefined;
  }

  /** Writes one batch for a site (`namespace/name`), oldest first. */
  async replay(key: string, samples: readonly TelemetrySample[]): Promise<ReplayOutcome> {
    const writer = this.#o.writer;
    if (!writer) {
      throw new ReplayError(
        503,
        'this hub keeps no telemetry history (no Prometheus configured); keep the samples',
      );
    }
    const labels = this.#o.labelsOf(key);
    if (!labels) {
      throw new ReplayError(503, `site ${key} is not in the hub's cache yet; retry`);
    }
    const now = this.#o.now?.() ?? Date.now();
    const oldest = now - this.#o.outOfOrderWindowMs + WINDOW_MARGIN_MS;
    const tooOld = samples.filter((s) => s.at < oldest).length;
    const future = samples.filter((s) => s.at > now + MAX_FUTURE_MS).length;
    // One value per timestamp (a repeated time would be a conflicting sample to Prometheus).
    const byTime = new Map<number, TelemetrySample>();
    for (const s of samples) {
      if (s.at >= oldest && s.at <= now + MAX_FUTURE_MS) {
        byTime.set(Math.round(s.at), s);
      }
    }
    const kept = [...byTime.entries()].sort((a, b) => a[0] - b[0]);
    if (kept.length > 0) {
      await this.#write(writer, labels, kept);
    }
    this.#count('stored', kept.length);
    this.#count('too_old', tooOld);
    this.#count('future', future);
    const reasons = [
      tooOld > 0
        ? `${tooOld} older than ${new Date(oldest).toISOString()} (Prometheus keeps replays within ${Math.round(this.#o.outOfOrderWindowMs / 3_600_000)} h)`
        : '',
      future > 0 ? `${future} more than ${MAX_FUTURE_MS / 60_000} min ahead of the hub's clock` : '',
    ].filter(Boolean);
    return {
      accepted: samples.length - tooOld - future,
      refused: tooOld + future,
      ...(reasons.length > 0 ? { refusedReason: reasons.join('; ') } : {}),
    };
  }

  async #write(writer: RemoteWriter, labels: TelemetryLabels, kept: [number, TelemetrySample][]) {
    const series: RemoteSeries[] = TELEMETRY_FIELDS.map((field) => ({
      labels: { __name__: TELEMETRY_METRICS[field], ...labels, [REPLAY_LABEL]: 'true' },
      // A figure a sample lacks (not measured at the site) is left out, never written as zero.
      samples: kept.flatMap(([timestamp, s]) => {
        const value = s.telemetry[field];
        return value === undefined ? [] : [{ timestamp, value }];
      }),
    })).filter((s) => s.samples.length > 0);
    try {
      await writer.write(series);
    } catch (error) {
      if (error instanceof RemoteWriteRefused) {
        this.#count('refused', kept.length);
        throw new ReplayError(422, `${error.message}; these ${kept.length} samples cannot be stored`);
      }
      if (error instanceof RemoteWriteUnavailable) {
        throw new ReplayError(503, `${error.message}; keep the samples and retry`);
      }
      throw error;
    }
  }

  #count(outcome: string, n: number): void {
    if (n > 0) {
      this.#samples?.inc({ outcome }, n);
    }
  }
}
