/**
 * Every site's latest telemetry, pulled from Prometheus into the API's memory once per scrape
 * interval: one instant query per field (not per site), live series only. Sorting by active
 * streams, the fleet summary's streams, egress and saturation, and Site.telemetry read it
 * here, so they stay in-memory fast. A change moves the view's version (what the response
 * cache keys on), so no cached answer shows telemetry older than the last pull.
 *
 * When Prometheus does not answer, the last values stand for `staleAfterMs` (a couple of
 * missed pulls); past that they are dropped rather than shown as current.
 */
import type { Logger } from '@smart-fleet/kube';
import {
  REQUIRED_TELEMETRY_FIELDS,
  type SiteTelemetry,
  TELEMETRY_FIELDS,
  TELEMETRY_METRICS,
} from '@smart-fleet/model';
import type { PrometheusClient } from './prometheus-client.ts';
import { LIVE_ONLY, promqlString } from './promql.ts';

export interface LatestTelemetryOptions {
  prometheus: PrometheusClient;
  /** How often to pull; the scrape interval (default 5 s). */
  intervalMs?: number;
  /** Drop values this old when Prometheus stops answering (default 3 intervals). */
  staleAfterMs?: number;
  /** Pull this namespace's sites only (an API that watches one namespace); all when absent. */
  namespace?: string;
  /** Called with the keys whose telemetry changed (appeared, went, or moved). */
  onChange?: (keys: string[]) => void;
  log: Logger;
  now?: () => number;
}

const same = (a: SiteTelemetry | undefined, b: SiteTelemetry | undefined) =>
  a === b || (a !== undefined && b !== undefined && TELEMETRY_FIELDS.every((f) => a[f] === b[f]));

export class LatestTelemetry {
  readonly #o: LatestTelemetryOptions;
  #values = new Map<string, SiteTelemetry>();
  #pulledAt = 0;
  #failing = false;
  #timer?: NodeJS.Timeout;
  #inFlight?: Promise<void>;

  constructor(options: LatestTelemetryOptions) {
    this.#o = options;
  }

  get(key: string): SiteTelemetry | undefined {
    return this.#values.get(key);
  }

  /** When the values were last pulled (ms), 0 if never. */
  get pulledAt(): number {
    return this.#pulledAt;
  }

  /** Pulls once now (waiting for it), then every interval. */
  async start(): Promise<void> {
    await this.refresh();
    this.#timer = setInterval(() => void this.refresh(), this.#o.intervalMs ?? 5000);
    this.#timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    await this.#inFlight;
  }

  /** One pull; a pull still running is awaited, not doubled. Never throws. */
  refresh(): Promise<void> {
    this.#inFlight ??= this.#pull().finally(() => {
      this.#inFlight = undefined;
    });
    return this.#inFlight;
  }

  async #pull(): Promise<void> {
    const now = this.#o.now ?? Date.now;
    try {
      const scope = this.#o.namespace === undefined ? '' : `,namespace=${promqlString(this.#o.namespace)}`;
      const vectors = await Promise.all(
        TELEMETRY_FIELDS.map((f) =>
          this.#o.prometheus.query(
            `max by (namespace, site) (${TELEMETRY_METRICS[f]}{${LIVE_ONLY}${scope}})`,
          ),
        ),
      );
      const next = new Map<string, Partial<SiteTelemetry>>();
      vectors.forEach((vector, i) => {
        const field = TELEMETRY_FIELDS[i] as keyof SiteTelemetry;
        for (const { metric, value } of vector) {
          const key = `${metric.namespace}/${metric.site}`;
          next.set(key, { ...next.get(key), [field]: Number(value[1]) });
        }
      });
      const complete = new Map(
        [...next].filter(([, t]) => REQUIRED_TELEMETRY_FIELDS.every((f) => t[f] !== undefined)) as [
          string,
          SiteTelemetry,
        ][],
      );
      this.#replace(complete);
      this.#pulledAt = now();
      if (this.#failing) {
        this.#o.log.info('telemetry pulls from Prometheus work again');
        this.#failing = false;
      }
    } catch (error) {
      if (!this.#failing) {
        this.#o.log.error('telemetry pull from Prometheus failed', { error: (error as Error).message });
        this.#failing = true;
      }
      if (now() - this.#pulledAt > (this.#o.staleAfterMs ?? 3 * (this.#o.intervalMs ?? 5000))) {
        this.#replace(new Map());
      }
    }
  }

  #replace(next: Map<string, SiteTelemetry>): void {
    const changed: string[] = [];
    for (const [key, t] of next) {
      if (!same(this.#values.get(key), t)) {
        changed.push(key);
      }
    }
    for (const key of this.#values.keys()) {
      if (!next.has(key)) {
        changed.push(key);
      }
    }
    this.#values = next;
    if (changed.length > 0) {
      this.#o.onChange?.(changed);
    }
  }
}
