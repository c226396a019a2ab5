import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  generateFleet,
  parseInventory,
  SITE_KINDS,
  SITE_PHASES,
  type Site,
  type SiteTelemetry,
  seededRandom,
} from '@smart-fleet/model';
import { type CapacityFigures, SummaryCache, summarize } from './fleet-summary.ts';
import { SiteIndex, siteKey, sitePhase } from './site-index.ts';

// ---- fixture: generated sites with seeded statuses, Decommissioned and saturated ones included --

const RELEASES = ['r-2024.1', 'r-2024.2', 'r-2025.1'];
/** The sites' latest telemetry, as the Prometheus feed holds it (not in the Site). */
const TELEMETRY = new Map<string, SiteTelemetry>();
const tel = (s: Site) => TELEMETRY.get(siteKey(s));
const telemetryOf = (key: string) => TELEMETRY.get(key);

function generatedSites(): Site[] {
  const doc = generateFleet({ apartments: 700, schools: 500, seed: 21 });
  // JSON is YAML, so the inventory parser takes it as is and gives objects exactly as applied.
  const { inventory, problems } = parseInventory([{ file: 'fleet.json', text: JSON.stringify(doc) }]);
  assert.deepEqual(problems, []);
  return (inventory?.objects ?? []).filter((o) => o.kind === 'Site') as unknown as Site[];
}

function withStatus(site: Site, r: () => number): Site {
  if (r() < 0.1) {
    return site;
  }
  const pick = <T>(items: readonly T[]) => items[Math.floor(r() * items.length)] as T;
  const budget = site.spec.streaming.egressBudgetMbps;
  const status: NonNullable<Site['status']> = { phase: pick(SITE_PHASES) };
  if (r() < 0.8) {
    status.deployedRelease = pick(RELEASES);
  }
  if (r() < 0.8) {
    TELEMETRY.set(siteKey(site), {
      activeStreams: Math.floor(r() * 400),
      // Up to 110% of budget, so some sites are saturated (>= 90%).
      egressMbps: r() * budget * 1.1,
      cacheHitRatio: r(),
      storageUsedGB: 10,
      acceleratorsHealthy: 1,
      drmDenials: 0,
      errors: 0,
    });
  }
  return { ...site, status };
}

const r = seededRandom(7);
const FLEET: readonly Site[] = generatedSites().map((s) => withStatus(s, r));

function indexOf(sites: readonly Site[], telemetry = telemetryOf): SiteIndex {
  const index = new SiteIndex(telemetry);
  for (const site of sites) {
    index.upsert(site);
  }
  return index;
}

// ---- brute force ------------------------------------------------------------------------------

const live = (s: Site) => sitePhase(s) !== 'Decommissioned';
const sum = (sites: readonly Site[], f: (s: Site) => number) => sites.reduce((n, s) => n + f(s), 0);

function bruteFigures(
  sites: readonly Site[],
  t: (s: Site) => SiteTelemetry | undefined = tel,
): CapacityFigures {
  const serving = sites.filter(live);
  const egressMbps = sum(serving, (s) => t(s)?.egressMbps ?? 0);
  const egressCapacityMbps = sum(serving, (s) => s.spec.streaming.egressBudgetMbps);
  return {
    sites: sites.length,
    activeStreams: sum(serving, (s) => t(s)?.activeStreams ?? 0),
    egressMbps,
    egressCapacityMbps,
    subscriberCapacity: sum(serving, (s) => s.spec.subscriberCap),
    utilization: egressCapacityMbps === 0 ? 0 : egressMbps / egressCapacityMbps,
  };
}

function brutePhases(sites: readonly Site[]) {
  return SITE_PHASES.map((phase) => ({ phase, count: sites.filter((s) => sitePhase(s) === phase).length }));
}

/** Floating sums may differ in the last bits with the order of addition; nothing else may. */
function assertFigures(actual: CapacityFigures, want: CapacityFigures, label: string): void {
  for (const name of Object.keys(want) as (keyof CapacityFigures)[]) {
    const [got, value] = [actual[name], want[name]];
    assert.ok(
      Math.abs(got - value) <= 1e-9 * Math.max(1, Math.abs(value)),
      `${label} ${String(name)}: ${got} != ${value}`,
    );
  }
}

// ---- tests ------------------------------------------------------------------------------------

describe('summarize', () => {
  const now = new Date('2025-06-01T12:00:00Z');
  const summary = summarize(FLEET, now, telemetryOf);

  it('totals equal the sums over the sites, Decommissioned left out of capacity and streams', () => {
    assert.ok(
      FLEET.some((s) => !live(s) && tel(s)),
      'a decommissioned site reports telemetry',
    );
    assertFigures(summary, bruteFigures(FLEET), 'fleet');
    assert.notEqual(
      summary.egressCapacityMbps,
      sum(FLEET, (s) => s.spec.streaming.egressBudgetMbps),
    );
    assert.equal(summary.generatedAt, now.toISOString());
  });

  it('counts every phase in SITE_PHASES order', () => {
    assert.deepEqual(summary.byPhase, brutePhases(FLEET));
    assert.equal(
      summary.byPhase.reduce((n, p) => n + p.count, 0),
      FLEET.length,
    );
  });

  it('summarizes each region with sites, sorted by code', () => {
    const regions = [...new Set(FLEET.map((s) => s.spec.location.region))].sort();
    assert.deepEqual(
      summary.byRegion.map((r) => r.region),
      regions,
    );
    for (const region of summary.byRegion) {
      const sites = FLEET.filter((s) => s.spec.location.region === region.region);
      assertFigures(region, bruteFigures(sites), region.region);
      assert.deepEqual(region.byPhase, brutePhases(sites));
    }
  });

  it('counts releases, count descending then name, with null for none reported', () => {
    const counts = new Map<string | null, number>();
    for (const s of FLEET) {
      const release = s.status?.deployedRelease ?? null;
      counts.set(release, (counts.get(release) ?? 0) + 1);
    }
    // Count descending, then name, with "none reported" after the names it ties with.
    const order = (e: [string | null, number]) => [-e[1], e[0] === null ? 1 : 0, e[0] ?? ''] as const;
    const want = [...counts]
      .sort((a, b) => {
        const [x, y] = [order(a), order(b)];
        return x[0] - y[0] || x[1] - y[1] || (x[2] < y[2] ? -1 : x[2] > y[2] ? 1 : 0);
      })
      .map(([release, count]) => ({ release, count }));
    assert.deepEqual(summary.byRelease, want);
    assert.ok(counts.has(null));
  });

  it('breaks release ties by name, none reported last', () => {
    const releases = ['r-b', undefined, 'r-a', 'r-b', undefined, 'r-a', 'r-c'];
    const sites = releases.map((deployedRelease, i) => ({
      ...(FLEET[i] as Site),
      status: deployedRelease ? { deployedRelease } : {},
    }));
    assert.deepEqual(
      summarize(sites, now).byRelease.map((r) => r.release),
      ['r-a', 'r-b', null, 'r-c'],
    );
  });

  it('counts kinds, every SITE_KINDS entry included', () => {
    assert.deepEqual(
      summary.byKind,
      SITE_KINDS.map((kind) => ({ kind, count: FLEET.filter((s) => s.spec.kind === kind).length })),
    );
  });

  it('counts saturated sites: reported egress over 90% of budget, not Decommissioned', () => {
    const want = FLEET.filter(
      (s) => live(s) && (tel(s)?.egressMbps ?? 0) > 0.9 * s.spec.streaming.egressBudgetMbps,
    ).length;
    assert.ok(want > 0);
    assert.equal(summary.saturatedSites, want);
  });

  it('moves a site out of capacity when it is decommissioned, and keeps counting it', () => {
    const site = FLEET.find((s) => live(s) && (tel(s)?.activeStreams ?? 0) > 0) as Site;
    const gone: Site = { ...site, status: { ...site.status, phase: 'Decommissioned' } };
    const after = summarize(
      FLEET.map((s) => (s === site ? gone : s)),
      now,
      telemetryOf,
    );
    assert.equal(after.sites, summary.sites);
    assert.equal(after.egressCapacityMbps, summary.egressCapacityMbps - site.spec.streaming.egressBudgetMbps);
    assert.equal(after.activeStreams, summary.activeStreams - (tel(site)?.activeStreams ?? 0));
    assert.equal(after.subscriberCapacity, summary.subscriberCapacity - site.spec.subscriberCap);
    const decommissioned = (s: typeof summary) => s.byPhase.find((p) => p.phase === 'Decommissioned')?.count;
    assert.equal(decommissioned(after), (decommissioned(summary) ?? 0) + 1);
  });

  it('includes zero counts for phases no site is in', () => {
    const ready = FLEET.slice(0, 50).map((s) => ({ ...s, status: { phase: 'Ready' as const } }));
    const only = summarize(ready, now);
    assert.deepEqual(
      only.byPhase,
      SITE_PHASES.map((phase) => ({ phase, count: phase === 'Ready' ? 50 : 0 })),
    );
    for (const region of only.byRegion) {
      assert.equal(region.byPhase.length, SITE_PHASES.length);
    }
  });

  it('gives utilization 0, not NaN, with no capacity', () => {
    const empty = summarize([], now);
    assert.equal(empty.utilization, 0);
    assert.equal(empty.sites, 0);
    assert.deepEqual(empty.byRegion, []);
    const retired = summarize(
      FLEET.slice(0, 10).map((s) => ({ ...s, status: { ...s.status, phase: 'Decommissioned' as const } })),
      now,
    );
    assert.equal(retired.egressCapacityMbps, 0);
    assert.equal(retired.utilization, 0);
    assert.equal(retired.sites, 10);
  });
});

describe('SummaryCache', () => {
  const readySite = FLEET.find((s) => sitePhase(s) === 'Ready') as Site;
  /** Telemetry a test changes, as the feed's pulls would; a heartbeat sets the ready site's streams. */
  const feed = () => {
    const current = new Map(TELEMETRY);
    const index = indexOf(FLEET, (key) => current.get(key));
    return {
      index,
      telemetryOf: (key: string) => current.get(key),
      of: (s: Site) => current.get(siteKey(s)),
      heartbeat(activeStreams: number) {
        const key = siteKey(readySite);
        current.set(key, { ...(TELEMETRY.get(key) as SiteTelemetry), activeStreams, egressMbps: 1 });
        index.telemetryChanged([key]);
      },
    };
  };

  it('returns the cached summary while nothing changes, however old', () => {
    let t = 1_000_000;
    const cache = new SummaryCache(indexOf(FLEET), { maxAgeMs: 1000, now: () => t, telemetryOf });
    const first = cache.get();
    t += 60_000;
    assert.equal(cache.get(), first);
    assert.equal(first.generatedAt, new Date(1_000_000).toISOString());
    assertFigures(first, bruteFigures(FLEET), 'cached');
  });

  it('recomputes after a change once maxAgeMs has passed, not within it', () => {
    let t = 1_000_000;
    const f = feed();
    const cache = new SummaryCache(f.index, { maxAgeMs: 1000, now: () => t, telemetryOf: f.telemetryOf });
    const first = cache.get();
    t += 1000;
    f.heartbeat(100_000);
    const second = cache.get();
    assert.notEqual(second, first);
    assert.deepEqual(cache.read(), { summary: second, current: true }, 'nothing changed since');
    assert.equal(second.generatedAt, new Date(t).toISOString());
    assertFigures(second, bruteFigures(FLEET, f.of), 'after a change');

    t += 999;
    f.heartbeat(200_000);
    assert.deepEqual(
      cache.read(),
      { summary: second, current: false },
      'within maxAgeMs of the last computation',
    );
    t += 1;
    const third = cache.get();
    assert.notEqual(third, second);
    assertFigures(third, bruteFigures(FLEET, f.of), 'after maxAgeMs');
  });

  it('recomputes at most once per maxAgeMs while changes keep coming', () => {
    let t = 0;
    const f = feed();
    const cache = new SummaryCache(f.index, { maxAgeMs: 1000, now: () => t, telemetryOf: f.telemetryOf });
    const seen = new Set<object>();
    for (let step = 0; step < 100; step++) {
      t = step * 100; // 10 s, a change and a request every 100 ms
      f.heartbeat(step);
      seen.add(cache.get());
    }
    assert.equal(seen.size, 10);
  });

  it('keeps a summary per scope', () => {
    let t = 0;
    const cache = new SummaryCache(indexOf(FLEET), { now: () => t, telemetryOf });
    const tenant = 'metro-cable';
    const scoped = cache.get({ tenant });
    const fleet = cache.get();
    assert.notEqual(scoped, fleet);
    assertFigures(scoped, bruteFigures(FLEET.filter((s) => s.spec.tenant === tenant)), tenant);
    assert.equal(cache.get({ tenant }), scoped);
    assert.equal(cache.get({ namespace: 'elsewhere' }).sites, 0);
    t += 5000;
    assert.equal(cache.get({ tenant }), scoped);
  });
});
