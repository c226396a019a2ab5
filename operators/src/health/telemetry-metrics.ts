/**
 * The latest telemetry of every heard-from site, as Prometheus gauges on the operators'
 * /metrics (one gauge per field, labels namespace, site, region, tenant): Prometheus scrapes
 * them and keeps the history, so nothing of it lives in this process or in etcd.
 *
 * Each scrape is computed from the heartbeat store at that moment. A site whose last report is
 * older than `silentAfterMs` is left out, so Prometheus marks its series stale at the next
 * scrape and PromQL stops returning its last value (no lookback of a dead site's figures).
 * Only the leader holds heartbeats; a standby exports no site at all.
 */
import type { Registry } from '@smart-fleet/kube';
import {
  type SiteTelemetry,
  SiteTelemetry as SiteTelemetrySchema,
  TELEMETRY_FIELDS,
  TELEMETRY_LABELS,
  TELEMETRY_METRICS,
  type TelemetryLabels,
} from '@smart-fleet/model';
import type { HeartbeatStore } from './heartbeat-store.ts';

export interface TelemetryMetricsOptions {
  registry: Registry;
  store: HeartbeatStore;
  /** The labels of a site (`namespace/name`) the hub knows, from the informers' cache. */
  labelsOf: (key: string) => TelemetryLabels | undefined;
  /** A site not heard from for this long is no longer exported (default 10 s: the health grace). */
  silentAfterMs?: number;
  /** False on a standby: it exports nothing. */
  leading?: () => boolean;
  now?: () => number;
}

/** Exposition-format label values: backslash, double quote and newline escaped. */
const escapeLabel = (v: string) => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

interface Exported {
  labels: TelemetryLabels;
  /** `{namespace="...",site="...",region="...",tenant="..."}`, built when the labels change. */
  selector: string;
}

/**
 * The sites to export, read once per scrape (the seven gauges share it). Label strings are
 * kept per site: at 21,000 sites prom-client's own per-value label formatting (or a Gauge's
 * label hashing) costs the leader seconds a scrape; this costs a few hundred milliseconds.
 */
class Snapshot {
  readonly #o: TelemetryMetricsOptions;
  readonly #selectors = new Map<string, Exported>();
  #rows: { selector: string; telemetry: SiteTelemetry }[] = [];
  #takenAt = Number.NEGATIVE_INFINITY;

  constructor(options: TelemetryMetricsOptions) {
    this.#o = options;
  }

  rows(): { selector: string; telemetry: SiteTelemetry }[] {
    const now = this.#o.now?.() ?? Date.now();
    // One scrape reads all seven gauges within a few milliseconds; anything later is a new scrape.
    if (now - this.#takenAt < 250) {
      return this.#rows;
    }
    this.#takenAt = now;
    this.#rows = [];
    if (this.#o.leading && !this.#o.leading()) {
      this.#selectors.clear();
      return this.#rows;
    }
    const since = now - (this.#o.silentAfterMs ?? 10_000);
    const seen = new Set<string>();
    for (const [key, heartbeat] of this.#o.store.entries()) {
      const telemetry = heartbeat.at >= since ? heartbeat.telemetry : undefined;
      const labels = telemetry && this.#o.labelsOf(key);
      if (telemetry && labels) {
        seen.add(key);
        this.#rows.push({ selector: this.#selector(key, labels), telemetry });
      }
    }
    this.#forgetAllBut(seen);
    return this.#rows;
  }

  #forgetAllBut(seen: ReadonlySet<string>): void {
    for (const key of this.#selectors.keys()) {
      if (!seen.has(key)) {
        this.#selectors.delete(key);
      }
    }
  }

  #selector(key: string, labels: TelemetryLabels): string {
    const known = this.#selectors.get(key);
    if (known && TELEMETRY_LABELS.every((l) => known.labels[l] === labels[l])) {
      return known.selector;
    }
    const selector = `{${TELEMETRY_LABELS.map((l) => `${l}="${escapeLabel(labels[l])}"`).join(',')}}`;
    this.#selectors.set(key, { labels: { ...labels }, selector });
    return selector;
  }
}

/** Registers one gauge per telemetry field in the registry the operators serve on /metrics. */
export function registerTelemetryMetrics(options: TelemetryMetricsOptions): void {
  const snapshot = new Snapshot(options);
  for (const field of TELEMETRY_FIELDS) {
    const name = TELEMETRY_METRICS[field];
    const description = (SiteTelemetrySchema.properties[field] as { description?: string }).description;
    const help = `${description ?? field} The latest a site reported.`;
    // A prom-client metric by its interface (what the registry calls), not a Gauge: each value
    // carries its full series name with the site's labels, so the registry formats no labels.
    options.registry.registerMetric({
      name,
      help,
      type: 'gauge',
      aggregator: 'omit',
      get: async () => ({
        name,
        help,
        type: 'gauge',
        aggregator: 'omit',
        values: snapshot.rows().flatMap((row) => {
          const value = row.telemetry[field];
          // A figure the site does not measure is no series, not a zero.
          return value === undefined ? [] : [{ metricName: `${name}${row.selector}`, labels: {}, value }];
        }),
      }),
      reset: () => undefined,
    } as never);
  }
}
