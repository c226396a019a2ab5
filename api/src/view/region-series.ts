/**
 * Per-region telemetry over time: every interval the API samples its own fleet summary (which
 * the sites' reported telemetry feeds) into a bounded ring per region and one for the nation,
 * a day at one sample a minute. Per-site series come from the operators, who hold every sample.
 */
import type { FleetSummary, SummaryCache } from './fleet-summary.ts';

export interface RegionSample {
  at: string;
  sites: number;
  activeStreams: number;
  egressMbps: number;
  egressCapacityMbps: number;
}

export const SERIES_LIMIT = 1440;
export const NATION = '*';

export class RegionSeries {
  readonly #summaries: SummaryCache;
  readonly #intervalMs: number;
  readonly #rings = new Map<string, RegionSample[]>();
  #timer?: NodeJS.Timeout;
  #samples = 0;

  /** How many samples were taken: the series change with each. */
  get samples(): number {
    return this.#samples;
  }

  constructor(summaries: SummaryCache, intervalMs = 60_000) {
    this.#summaries = summaries;
    this.#intervalMs = intervalMs;
  }

  start(): void {
    this.sample();
    this.#timer = setInterval(() => this.sample(), this.#intervalMs);
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
  }

  /** Records one sample of every region (and the nation) from the current summary. */
  sample(summary: FleetSummary = this.#summaries.get(), at = new Date()): void {
    this.#samples++;
    const when = at.toISOString();
    this.#push(NATION, { at: when, ...figures(summary) });
    for (const region of summary.byRegion) {
      this.#push(region.region, { at: when, ...figures(region) });
    }
  }

  /** Samples for a region (or NATION), oldest first, at or after `since`. */
  series(region: string, since?: string): RegionSample[] {
    const ring = this.#rings.get(region) ?? [];
    return since ? ring.filter((s) => s.at >= since) : [...ring];
  }

  #push(region: string, sample: RegionSample): void {
    const ring = this.#rings.get(region) ?? [];
    ring.push(sample);
    if (ring.length > SERIES_LIMIT) {
      ring.shift();
    }
    this.#rings.set(region, ring);
  }
}

function figures(f: {
  sites: number;
  activeStreams: number;
  egressMbps: number;
  egressCapacityMbps: number;
}) {
  return {
    sites: f.sites,
    activeStreams: f.activeStreams,
    egressMbps: f.egressMbps,
    egressCapacityMbps: f.egressCapacityMbps,
  };
}
