/**
 * Fleet-wide figures for the console's overview: counts by phase, region,
 * release and kind, and capacity against what the sites report (their latest telemetry, pulled
 * from Prometheus). One pass over the sites; the cache keeps a hot fleet (every pull of
 * telemetry is a change) from recomputing on every request.
 */
import { isSaturated, SITE_KINDS, SITE_PHASES, type Site, type SiteTelemetry } from '@smart-fleet/model';
import { type SiteIndex, siteKey, sitePhase } from './site-index.ts';

export interface PhaseCount {
  phase: string;
  count: number;
}

/**
 * `sites` counts every site in scope; the other figures leave out Decommissioned sites, which
 * neither stream nor offer capacity.
 */
export interface CapacityFigures {
  sites: number;
  activeStreams: number;
  egressMbps: number;
  /** Sum of spec.streaming.egressBudgetMbps of sites not Decommissioned. */
  egressCapacityMbps: number;
  subscriberCapacity: number;
  /** egressMbps / egressCapacityMbps, 0 when there is no capacity. */
  utilization: number;
}

export interface RegionSummary extends CapacityFigures {
  region: string;
  byPhase: PhaseCount[];
}

export interface FleetSummary extends CapacityFigures {
  /** Every SITE_PHASES entry, in that order, zeros included; then any phase the model does not know. */
  byPhase: PhaseCount[];
  /** Every region with at least one site, sorted by region code. */
  byRegion: RegionSummary[];
  /** By status.deployedRelease (null = none reported), count descending, then name; null last among equals. */
  byRelease: { release: string | null; count: number }[];
  /** Every SITE_KINDS entry, in that order, zeros included; then any kind the model does not know. */
  byKind: { kind: string; count: number }[];
  /** Sites (not Decommissioned) whose reported egress is over 90% of their budget (the model's isSaturated). */
  saturatedSites: number;
  /** ISO time of computation. */
  generatedAt: string;
}

const DECOMMISSIONED = 'Decommissioned';

const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

/** Counts by key: the known keys (in their order, zeros included), then any others by name. */
class Counter {
  readonly #known: readonly string[];
  readonly #counts: number[];
  readonly #others = new Map<string, number>();

  constructor(known: readonly string[]) {
    this.#known = known;
    this.#counts = known.map(() => 0);
  }

  add(key: string, n = 1): void {
    const i = this.#known.indexOf(key); // 5 to 7 known keys: faster than hashing
    if (i >= 0) {
      this.#counts[i] = (this.#counts[i] ?? 0) + n;
    } else {
      this.#others.set(key, (this.#others.get(key) ?? 0) + n);
    }
  }

  addAll(other: Counter): void {
    for (const [key, n] of other.entries()) {
      this.add(key, n);
    }
  }

  entries(): [string, number][] {
    const others = [...this.#others.keys()].sort();
    return [
      ...this.#known.map((k, i): [string, number] => [k, this.#counts[i] ?? 0]),
      ...others.map((k): [string, number] => [k, this.#others.get(k) ?? 0]),
    ];
  }
}

/** Running totals for one scope: a region, or the fleet as the sum of its regions. */
class Tally {
  sites = 0;
  activeStreams = 0;
  egressMbps = 0;
  egressCapacityMbps = 0;
  subscriberCapacity = 0;
  saturated = 0;
  readonly phases = new Counter(SITE_PHASES);

  add(site: Site, phase: string, telemetry: SiteTelemetry | undefined): void {
    this.sites++;
    this.phases.add(phase);
    if (phase === DECOMMISSIONED) {
      return;
    }
    const budget = num(site.spec.streaming.egressBudgetMbps);
    const egress = num(telemetry?.egressMbps);
    this.activeStreams += num(telemetry?.activeStreams);
    this.egressMbps += egress;
    this.egressCapacityMbps += budget;
    this.subscriberCapacity += num(site.spec.subscriberCap);
    if (isSaturated({ egressMbps: egress }, budget)) {
      this.saturated++;
    }
  }

  addAll(other: Tally): void {
    this.sites += other.sites;
    this.activeStreams += other.activeStreams;
    this.egressMbps += other.egressMbps;
    this.egressCapacityMbps += other.egressCapacityMbps;
    this.subscriberCapacity += other.subscriberCapacity;
    this.saturated += other.saturated;
    this.phases.addAll(other.phases);
  }

  figures(): CapacityFigures {
    return {
      sites: this.sites,
      activeStreams: this.activeStreams,
      egressMbps: this.egressMbps,
      egressCapacityMbps: this.egressCapacityMbps,
      subscriberCapacity: this.subscriberCapacity,
      utilization: this.egressCapacityMbps > 0 ? this.egressMbps / this.egressCapacityMbps : 0,
    };
  }

  byPhase(): PhaseCount[] {
    return this.phases.entries().map(([phase, count]) => ({ phase, count }));
  }
}

function tallyOf(tallies: Map<string, Tally>, key: string): Tally {
  let tally = tallies.get(key);
  if (!tally) {
    tally = new Tally();
    tallies.set(key, tally);
  }
  return tally;
}

function releaseOrder(
  a: { release: string | null; count: number },
  b: { release: string | null; count: number },
): number {
  if (a.count !== b.count) {
    return b.count - a.count;
  }
  if (a.release === null || b.release === null) {
    return a.release === null ? 1 : -1;
  }
  return a.release < b.release ? -1 : a.release > b.release ? 1 : 0;
}

/** A site's latest telemetry by `namespace/name`; none when the site has not reported. */
export type TelemetryOf = (key: string) => SiteTelemetry | undefined;

export function summarize(
  sites: Iterable<Site>,
  now: Date = new Date(),
  telemetryOf: TelemetryOf = () => undefined,
): FleetSummary {
  const regions = new Map<string, Tally>();
  const releases = new Map<string | null, number>();
  const kinds = new Counter(SITE_KINDS);
  for (const site of sites) {
    tallyOf(regions, site.spec.location.region).add(site, sitePhase(site), telemetryOf(siteKey(site)));
    const release = site.status?.deployedRelease ?? null;
    releases.set(release, (releases.get(release) ?? 0) + 1);
    kinds.add(site.spec.kind);
  }
  // Each site is tallied once, in its region; the fleet is the sum of the regions.
  const codes = [...regions.keys()].sort();
  const fleet = new Tally();
  for (const code of codes) {
    fleet.addAll(regions.get(code) as Tally);
  }
  return {
    ...fleet.figures(),
    byPhase: fleet.byPhase(),
    byRegion: codes.map((code) => regionSummary(code, regions.get(code) as Tally)),
    byRelease: [...releases].map(([release, count]) => ({ release, count })).sort(releaseOrder),
    byKind: kinds.entries().map(([kind, count]) => ({ kind, count })),
    saturatedSites: fleet.saturated,
    generatedAt: now.toISOString(),
  };
}

function regionSummary(region: string, tally: Tally): RegionSummary {
  return { region, ...tally.figures(), byPhase: tally.byPhase() };
}

/** What a summary covers: the whole fleet, or the sites of one tenant and/or namespace. */
export interface SummaryScope {
  tenant?: string;
  namespace?: string;
}

export interface SummaryCacheOptions {
  /** While the fleet keeps changing, recompute a scope at most this often; default 1000. */
  maxAgeMs?: number;
  /** Milliseconds since the epoch; injectable for tests. */
  now?: () => number;
  telemetryOf?: TelemetryOf;
}

interface CachedSummary {
  summary: FleetSummary;
  version: number;
  computedAt: number;
}

/**
 * Caches summaries per scope against SiteIndex.version: a scope is recomputed only when the
 * index has changed since, and then at most once per `maxAgeMs`, so a fleet under constant
 * heartbeat-driven status updates is summarized about once a second, not once a request.
 * Summaries are shared between callers: treat them as read-only.
 */
export class SummaryCache {
  /** Scopes are few (the fleet, a handful of tenants); this only bounds a misuse. */
  static readonly SCOPE_LIMIT = 256;
  readonly #index: SiteIndex;
  readonly #maxAgeMs: number;
  readonly #now: () => number;
  readonly #telemetryOf: TelemetryOf;
  readonly #entries = new Map<string, CachedSummary>();

  constructor(index: SiteIndex, options: SummaryCacheOptions = {}) {
    this.#index = index;
    this.#maxAgeMs = options.maxAgeMs ?? 1000;
    this.#now = options.now ?? Date.now;
    this.#telemetryOf = options.telemetryOf ?? (() => undefined);
  }

  get(scope: SummaryScope = {}): FleetSummary {
    return this.read(scope).summary;
  }

  /**
   * The scope's summary, and whether it is current: false when it was computed before the
   * index's latest change and is served again because it is younger than `maxAgeMs`. An answer
   * built on a summary that is not current must not be cached against the present version.
   */
  read(scope: SummaryScope = {}): { summary: FleetSummary; current: boolean } {
    const key = JSON.stringify([scope.tenant ?? null, scope.namespace ?? null]);
    const now = this.#now();
    const cached = this.#entries.get(key);
    if (cached && (cached.version === this.#index.version || now - cached.computedAt < this.#maxAgeMs)) {
      return { summary: cached.summary, current: cached.version === this.#index.version };
    }
    const version = this.#index.version;
    const summary = summarize(inScope(this.#index.values(), scope), new Date(now), this.#telemetryOf);
    if (!cached && this.#entries.size >= SummaryCache.SCOPE_LIMIT) {
      this.#entries.clear();
    }
    this.#entries.set(key, { summary, version, computedAt: now });
    return { summary, current: true };
  }
}

function* inScope(sites: Iterable<Site>, scope: SummaryScope): Iterable<Site> {
  for (const site of sites) {
    if (
      (scope.tenant === undefined || site.spec.tenant === scope.tenant) &&
      (scope.namespace === undefined || site.metadata.namespace === scope.namespace)
    ) {
      yield site;
    }
  }
}
