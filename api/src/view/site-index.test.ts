import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  generateFleet,
  parseInventory,
  SITE_PHASES,
  type Site,
  type SiteTelemetry,
  seededRandom,
} from '@smart-fleet/model';
import { CursorError, decodeCursor, encodeCursor } from './cursor.ts';
import {
  MAX_PAGE_SIZE,
  matchesFilter,
  SITE_SORT_FIELDS,
  type SiteFilter,
  SiteIndex,
  type SitePageRequest,
  type SiteSort,
  siteKey,
  sitePhase,
} from './site-index.ts';

// ---- fixture: generated sites with seeded, varied statuses ------------------------------------

const RELEASES = ['r-2024.1', 'r-2024.2', 'r-2024.3', 'r-2025.1'];
const BASE_TIME = Date.parse('2025-06-01T00:00:00Z');

function generatedSites(options: Parameters<typeof generateFleet>[0]): Site[] {
  const doc = generateFleet(options);
  // JSON is YAML, so the inventory parser takes it as is and gives objects exactly as applied.
  const { inventory, problems } = parseInventory([{ file: 'fleet.json', text: JSON.stringify(doc) }]);
  assert.deepEqual(problems, []);
  return (inventory?.objects ?? []).filter((o) => o.kind === 'Site') as unknown as Site[];
}

/** The sites' latest telemetry, as the API's Prometheus feed holds it (not in the Site). */
const TELEMETRY = new Map<string, SiteTelemetry>();
const telemetryOf = (key: string) => TELEMETRY.get(key);

function randomTelemetry(site: Site, r: () => number): SiteTelemetry {
  const budget = site.spec.streaming.egressBudgetMbps;
  return {
    activeStreams: Math.floor(r() * 300),
    egressMbps: Math.round(r() * budget * 1.05 * 10) / 10,
    cacheHitRatio: r(),
    storageUsedGB: Math.floor(r() * site.spec.hardware.storageGB),
    acceleratorsHealthy: site.spec.hardware.accelerators,
    drmDenials: Math.floor(r() * 3),
    errors: Math.floor(r() * 3),
  };
}

/**
 * A status as agents report them, some parts (or all) missing; heartbeats to the second, so some
 * tie. Three in four sites also get telemetry (in TELEMETRY).
 */
function randomStatus(site: Site, r: () => number): Site['status'] {
  if (r() < 0.08) {
    return undefined;
  }
  const pick = <T>(items: readonly T[]) => items[Math.floor(r() * items.length)] as T;
  const status: NonNullable<Site['status']> = {};
  if (r() < 0.9) {
    status.phase = r() < 0.5 ? 'Ready' : pick(SITE_PHASES);
  }
  if (r() < 0.85) {
    status.lastHeartbeat = new Date(BASE_TIME - Math.floor(r() * 600) * 1000).toISOString();
  }
  if (r() < 0.8) {
    status.deployedRelease = pick(RELEASES);
  }
  if (r() < 0.75) {
    TELEMETRY.set(siteKey(site), randomTelemetry(site, r));
  }
  return status;
}

function withStatuses(sites: Site[], seed: number): Site[] {
  const r = seededRandom(seed);
  return sites.map((site) => {
    const status = randomStatus(site, r);
    return status ? { ...site, status } : site;
  });
}

/** ~3,000 sites in two namespaces; the second reuses names, so NAME sorts need the tie-breaker. */
const FLEET: readonly Site[] = withStatuses(
  [
    ...generatedSites({ apartments: 1100, schools: 900, seed: 11 }),
    ...generatedSites({ apartments: 500, schools: 500, seed: 12, namespace: 'fleet-b' }),
  ],
  42,
);

function indexOf(sites: readonly Site[]): SiteIndex {
  const index = new SiteIndex(telemetryOf);
  for (const site of sites) {
    index.upsert(site);
  }
  return index;
}

// ---- brute force: the same semantics, written plainly ------------------------------------------

function sortValue(site: Site, field: SiteSort['field']): string | number | undefined {
  switch (field) {
    case 'NAME':
      return site.metadata.name;
    case 'REGION':
      return site.spec.location.region;
    case 'PHASE': {
      const rank = (SITE_PHASES as readonly string[]).indexOf(sitePhase(site));
      return rank < 0 ? SITE_PHASES.length : rank;
    }
    case 'SUBSCRIBER_CAP':
      return site.spec.subscriberCap;
    case 'EGRESS_BUDGET':
      return site.spec.streaming.egressBudgetMbps;
    case 'ACTIVE_STREAMS':
      return TELEMETRY.get(siteKey(site))?.activeStreams;
    case 'LAST_HEARTBEAT':
      return site.status?.lastHeartbeat === undefined ? undefined : Date.parse(site.status.lastHeartbeat);
  }
}

/** Value order (missing above every value, so last ASC and first DESC), then key ascending. */
function bruteSort(sites: readonly Site[], sort: SiteSort): Site[] {
  const sign = sort.direction === 'ASC' ? 1 : -1;
  const decorated = sites.map((site) => ({ site, v: sortValue(site, sort.field), k: siteKey(site) }));
  decorated.sort((a, b) => {
    const rankA = a.v === undefined ? 1 : 0;
    const rankB = b.v === undefined ? 1 : 0;
    if (rankA !== rankB) {
      return sign * (rankA - rankB);
    }
    if (a.v !== undefined && b.v !== undefined && a.v !== b.v) {
      return sign * (a.v < b.v ? -1 : 1);
    }
    return a.k < b.k ? -1 : a.k > b.k ? 1 : 0;
  });
  return decorated.map((d) => d.site);
}

function bruteMatches(site: Site, filter: SiteFilter): boolean {
  const allowed = (list: readonly string[] | null | undefined, value: string | undefined) =>
    !list || list.length === 0 || (value !== undefined && list.includes(value));
  const needle = filter.text?.toLowerCase();
  return (
    (!filter.namespace || site.metadata.namespace === filter.namespace) &&
    allowed(filter.regions, site.spec.location.region) &&
    allowed(filter.phases, sitePhase(site)) &&
    allowed(filter.kinds, site.spec.kind) &&
    allowed(filter.releases, site.status?.deployedRelease) &&
    allowed(filter.tenants, site.spec.tenant) &&
    allowed(filter.clusters, site.spec.parentCluster) &&
    allowed(filter.channels, site.spec.releaseChannel) &&
    (!needle ||
      [site.metadata.name, site.spec.location.address, site.spec.tenant].some((s) =>
        s.toLowerCase().includes(needle),
      ))
  );
}

function expected(sites: readonly Site[], filter: SiteFilter, sort: SiteSort): string[] {
  return bruteSort(
    sites.filter((s) => bruteMatches(s, filter)),
    sort,
  ).map(siteKey);
}

const keys = (sites: readonly Site[]) => sites.map(siteKey);

/** Pages forward with `first` until the end; checks the page flags on the way. */
function walkForward(index: SiteIndex, request: SitePageRequest, first: number): string[] {
  const seen: string[] = [];
  let after: string | undefined;
  for (let n = 0; n < 10_000; n++) {
    const page = index.page({ ...request, first, after });
    assert.equal(page.cursors.length, page.sites.length);
    assert.equal(page.hasPreviousPage, after !== undefined && seen.length > 0);
    seen.push(...keys(page.sites));
    if (!page.hasNextPage) {
      return seen;
    }
    assert.equal(page.sites.length, first, 'a page before the last is full');
    after = page.cursors.at(-1);
  }
  assert.fail('paging did not end');
}

/** Pages backward with `last` from the end; returns the keys in sort order. */
function walkBackward(index: SiteIndex, request: SitePageRequest, last: number): string[] {
  const pages: string[][] = [];
  let before: string | undefined;
  for (let n = 0; n < 10_000; n++) {
    const page = index.page({ ...request, last, before });
    assert.equal(page.hasNextPage, before !== undefined && pages.length > 0);
    pages.unshift(keys(page.sites));
    if (!page.hasPreviousPage) {
      return pages.flat();
    }
    assert.equal(page.sites.length, last, 'a page after the first is full');
    before = page.cursors[0];
  }
  assert.fail('paging did not end');
}

/** Every cursor of a listing, in order. */
function allCursors(index: SiteIndex, request: SitePageRequest): string[] {
  const cursors: string[] = [];
  let page = index.page({ ...request, first: MAX_PAGE_SIZE });
  cursors.push(...page.cursors);
  while (page.hasNextPage) {
    page = index.page({ ...request, first: MAX_PAGE_SIZE, after: cursors.at(-1) });
    cursors.push(...page.cursors);
  }
  return cursors;
}

const SORTS: SiteSort[] = SITE_SORT_FIELDS.flatMap((field) => [
  { field, direction: 'ASC' as const },
  { field, direction: 'DESC' as const },
]);

/** From everything to nothing; some small enough to gather, some large enough to walk the order. */
const FILTERS: { name: string; filter: SiteFilter }[] = [
  { name: 'no filter', filter: {} },
  { name: 'two regions', filter: { regions: ['seoul', 'busan'] } },
  { name: 'a small region', filter: { regions: ['sejong'] } },
  { name: 'one common phase', filter: { phases: ['Ready'] } },
  { name: 'phases and kind', filter: { phases: ['Ready', 'Degraded'], kinds: ['school'] } },
  { name: 'tenant and channels', filter: { tenants: ['metro-cable'], channels: ['beta', 'canary'] } },
  { name: 'one release', filter: { releases: ['r-2024.2'] } },
  { name: 'namespace and region', filter: { namespace: 'fleet-b', regions: ['gyeonggi'] } },
  { name: 'upper-case text', filter: { text: 'SEOUL' } },
  { name: 'text and phase', filter: { text: 'complex 1', phases: ['Pending'] } },
  { name: 'empty lists', filter: { regions: [], phases: [], text: '' } },
  { name: 'cluster and text', filter: { clusters: ['wac-capital'], text: 'school' } },
  { name: 'no site matches', filter: { kinds: ['hotel'] } },
];

// ---- tests ------------------------------------------------------------------------------------

describe('SiteIndex: contents', () => {
  it('holds each site once by namespace/name, and drops it on remove', () => {
    const index = indexOf(FLEET);
    assert.equal(index.size, new Set(FLEET.map(siteKey)).size);
    assert.ok(FLEET.some((s) => s.metadata.namespace === 'fleet-b'));
    const site = FLEET[7] as Site;
    assert.equal(index.get(siteKey(site)), site);
    assert.deepEqual(new Set(keys([...index.values()])), new Set(FLEET.map(siteKey)));
    const version = index.version;
    index.remove(siteKey(site));
    assert.equal(index.get(siteKey(site)), undefined);
    assert.equal(index.size, FLEET.length - 1);
    assert.ok(index.version > version);
  });

  it('bumps the version on every upsert and remove, not on removing what is not there', () => {
    const index = new SiteIndex();
    const versions = [index.version];
    index.upsert(FLEET[0] as Site);
    versions.push(index.version);
    index.upsert(FLEET[0] as Site);
    versions.push(index.version);
    index.remove(siteKey(FLEET[0] as Site));
    versions.push(index.version);
    index.remove('nowhere/none');
    versions.push(index.version);
    assert.deepEqual(
      versions.slice(1, 4).map((v, i) => v > (versions[i] as number)),
      [true, true, true],
    );
    assert.equal(versions[4], versions[3]);
  });
});

describe('SiteIndex.page: the first page of every sort and filter', () => {
  const index = indexOf(FLEET);
  for (const sort of SORTS) {
    it(`${sort.field} ${sort.direction}`, () => {
      for (const { name, filter } of FILTERS) {
        const want = expected(FLEET, filter, sort);
        const page = index.page({ filter, sort, first: 50 });
        assert.deepEqual(keys(page.sites), want.slice(0, 50), name);
        assert.equal(page.totalCount, want.length, name);
        assert.equal(index.count(filter), want.length, name);
        assert.equal(page.hasNextPage, want.length > 50, name);
        assert.equal(page.hasPreviousPage, false, name);
      }
    });
  }

  it('sorts by NAME ASC, 50 rows, by default', () => {
    const page = index.page({});
    assert.deepEqual(keys(page.sites), expected(FLEET, {}, { field: 'NAME', direction: 'ASC' }).slice(0, 50));
  });

  it('really has ties and missing values to order, so the tie-breaker and missing rule are exercised', () => {
    const budgets = new Set(FLEET.map((s) => s.spec.streaming.egressBudgetMbps));
    assert.ok(budgets.size < FLEET.length / 100);
    assert.ok(FLEET.some((s) => s.status?.lastHeartbeat === undefined));
    assert.ok(FLEET.some((s) => TELEMETRY.get(siteKey(s)) === undefined));
    assert.ok(FLEET.some((s) => s.status?.phase === undefined));
  });
});

describe('SiteIndex.page: walking every page', () => {
  const index = indexOf(FLEET);
  const walks: { filter: SiteFilter; name: string }[] = [
    { name: 'no filter', filter: {} },
    { name: 'a small region', filter: { regions: ['sejong', 'jeju'] } },
    { name: 'phases', filter: { phases: ['Ready', 'Offline'] } },
    { name: 'text', filter: { text: 'Busan' } },
  ];
  for (const sort of SORTS) {
    it(`forward with first=50 and backward with last=37, ${sort.field} ${sort.direction}`, () => {
      for (const { name, filter } of walks) {
        const want = expected(FLEET, filter, sort);
        assert.deepEqual(walkForward(index, { filter, sort }, 50), want, `forward, ${name}`);
        assert.deepEqual(walkBackward(index, { filter, sort }, 37), want, `backward, ${name}`);
      }
    });
  }

  it('pages between after and before, and reports the pages outside them', () => {
    const sort: SiteSort = { field: 'ACTIVE_STREAMS', direction: 'DESC' };
    const filter: SiteFilter = { phases: ['Ready'] };
    const want = expected(FLEET, filter, sort);
    const all = index.page({ filter, sort, first: 500 });
    const after = all.cursors[100];
    const before = all.cursors[130];
    const forward = index.page({ filter, sort, first: 50, after, before });
    assert.deepEqual(keys(forward.sites), want.slice(101, 130));
    assert.equal(forward.hasNextPage, false, 'first covers the whole range');
    assert.equal(forward.hasPreviousPage, true);
    const backward = index.page({ filter, sort, last: 10, after, before });
    assert.deepEqual(keys(backward.sites), want.slice(120, 130));
    assert.equal(backward.hasPreviousPage, true);
    assert.equal(backward.hasNextPage, true);
  });

  it('gives an empty page for first=0 and still says whether there is more', () => {
    const page = index.page({ filter: { regions: ['seoul'] }, first: 0 });
    assert.deepEqual(page.sites, []);
    assert.equal(page.hasNextPage, index.count({ regions: ['seoul'] }) > 0);
    assert.equal(index.page({ filter: { kinds: ['hotel'] }, first: 0 }).hasNextPage, false);
  });
});

describe('SiteIndex.page: cursors are keyset positions', () => {
  for (const sort of [
    { field: 'NAME', direction: 'ASC' },
    { field: 'LAST_HEARTBEAT', direction: 'DESC' },
    { field: 'ACTIVE_STREAMS', direction: 'ASC' },
  ] as SiteSort[]) {
    it(`a cursor whose site was deleted still pages on, ${sort.field} ${sort.direction}`, () => {
      const index = indexOf(FLEET);
      const filter: SiteFilter = { phases: ['Ready', 'Degraded', 'Pending'] };
      const first = index.page({ filter, sort, first: 50 });
      const cursor = first.cursors.at(-1) as string;
      index.remove(siteKey(first.sites.at(-1) as Site));
      const remaining = FLEET.filter((s) => siteKey(s) !== siteKey(first.sites.at(-1) as Site));
      const want = expected(remaining, filter, sort);
      const next = index.page({ filter, sort, first: 50, after: cursor });
      assert.deepEqual(keys(next.sites), want.slice(49, 99));
      const back = index.page({ filter, sort, last: 20, before: cursor });
      assert.deepEqual(keys(back.sites), want.slice(29, 49));
    });
  }

  for (const direction of ['ASC', 'DESC'] as const) {
    it(`pages on from a site with no value (last ASC, first DESC), even after it is deleted, ${direction}`, () => {
      const index = indexOf(FLEET);
      const sort: SiteSort = { field: 'LAST_HEARTBEAT', direction };
      const want = expected(FLEET, {}, sort);
      const cursors = allCursors(index, { sort });
      const missing = want.flatMap((k, i) => (index.get(k)?.status?.lastHeartbeat === undefined ? [i] : []));
      // Missing values form one block: at the end ascending, at the start descending.
      assert.equal(missing.length > 10, true);
      assert.equal(
        direction === 'ASC' ? missing.at(-1) : missing[0],
        direction === 'ASC' ? want.length - 1 : 0,
      );
      assert.equal((missing.at(-1) as number) - (missing[0] as number), missing.length - 1);
      const at = missing[5] as number;
      index.remove(want[at] as string);
      const next = index.page({ sort, first: 30, after: cursors[at] });
      assert.deepEqual(keys(next.sites), want.slice(at + 1, at + 31));
      const back = index.page({ sort, last: 30, before: cursors[at] });
      assert.deepEqual(keys(back.sites), want.slice(Math.max(0, at - 30), at));
    });
  }

  it('says there is no previous page after a cursor that precedes every match', () => {
    const index = indexOf(FLEET);
    const sort: SiteSort = { field: 'SUBSCRIBER_CAP', direction: 'ASC' };
    for (const filter of [{ regions: ['seoul'] }, { regions: ['sejong'] }] as SiteFilter[]) {
      const want = expected(FLEET, filter, sort);
      const everything = expected(FLEET, {}, sort);
      const firstMatch = everything.indexOf(want[0] as string);
      assert.ok(firstMatch > 0, 'some site sorts before the first match');
      const cursor = allCursors(index, { sort })[firstMatch - 1];
      const page = index.page({ filter, sort, first: 5, after: cursor });
      assert.deepEqual(keys(page.sites), want.slice(0, 5));
      assert.equal(page.hasPreviousPage, false);
      const second = index.page({ filter, sort, first: 5, after: page.cursors[0] });
      assert.equal(second.hasPreviousPage, true);
    }
  });

  it('says there is no next page before a cursor that follows every match', () => {
    const index = indexOf(FLEET);
    const sort: SiteSort = { field: 'NAME', direction: 'ASC' };
    for (const filter of [{ regions: ['seoul'] }, { regions: ['sejong'] }] as SiteFilter[]) {
      const want = expected(FLEET, filter, sort);
      const everything = expected(FLEET, {}, sort);
      const lastMatch = everything.indexOf(want.at(-1) as string);
      assert.ok(lastMatch < everything.length - 1, 'some site sorts after the last match');
      const cursor = allCursors(index, { sort })[lastMatch + 1];
      const page = index.page({ filter, sort, last: 5, before: cursor });
      assert.deepEqual(keys(page.sites), want.slice(-5));
      assert.equal(page.hasNextPage, false);
      const earlier = index.page({ filter, sort, last: 5, before: page.cursors.at(-1) });
      assert.equal(earlier.hasNextPage, true);
    }
  });

  it('refuses cursors it did not issue', () => {
    const index = indexOf(FLEET.slice(0, 200));
    const good = index.page({ first: 1 }).cursors[0] as string;
    const bad = [
      '',
      'not a cursor!',
      'abc',
      `${good}=`,
      `${good}x`,
      encodeCursor([]),
      encodeCursor(['x']),
      encodeCursor(['site', 'NAME', 'ASC']),
      encodeCursor(['site', 'NAME', 'ASC', 7]),
      encodeCursor(['site', 'NAME', 'ASC', 'smart-fleet/a', 'a', 'extra']),
      encodeCursor(['site', 'NAME', 'ASC', 'smart-fleet/a', 5]),
      encodeCursor(['other', 'NAME', 'ASC', 'smart-fleet/a', 'a']),
      Buffer.from('{"a":1}').toString('base64url'),
      Buffer.from('[null]').toString('base64url'),
      'x'.repeat(5000),
    ];
    for (const cursor of bad) {
      assert.throws(() => index.page({ after: cursor }), CursorError, cursor);
      assert.throws(() => index.page({ last: 5, before: cursor }), CursorError, cursor);
    }
  });

  it('refuses a cursor from another sort', () => {
    const index = indexOf(FLEET.slice(0, 200));
    const nameAsc = index.page({ sort: { field: 'NAME', direction: 'ASC' }, first: 3 }).cursors[1] as string;
    assert.equal(index.page({ after: nameAsc, first: 1 }).sites.length, 1, 'the same sort takes it');
    for (const sort of [
      { field: 'NAME', direction: 'DESC' },
      { field: 'REGION', direction: 'ASC' },
      { field: 'SUBSCRIBER_CAP', direction: 'ASC' },
    ] as SiteSort[]) {
      assert.throws(() => index.page({ sort, after: nameAsc }), CursorError);
      assert.throws(() => index.page({ sort, last: 2, before: nameAsc }), CursorError);
    }
  });

  it('encodes cursors as base64url JSON that decodes to what was encoded', () => {
    const values = ['site', 'NAME', 'ASC', 'ns/ä site', 12.5];
    const cursor = encodeCursor(values);
    assert.match(cursor, /^[A-Za-z0-9_-]+$/);
    assert.deepEqual(decodeCursor(cursor), values);
    assert.throws(
      () => decodeCursor(Buffer.from('[1, 2]').toString('base64url')),
      CursorError,
      'not canonical',
    );
    assert.throws(() => decodeCursor('%%%'), {
      name: 'CursorError',
      message: 'cursor is not one this API issued',
    });
  });
});

describe('SiteIndex.page: paging arguments', () => {
  const index = indexOf(FLEET.slice(0, 600));
  it('takes first and last from 0 to 500', () => {
    assert.equal(index.page({ first: MAX_PAGE_SIZE }).sites.length, 500);
    assert.equal(index.page({ last: MAX_PAGE_SIZE }).sites.length, 500);
    assert.equal(index.page({ first: 0 }).sites.length, 0);
  });

  it('refuses sizes out of range, fractions, and first with last', () => {
    assert.throws(() => index.page({ first: 501 }), {
      name: 'RangeError',
      message: 'first must be between 0 and 500',
    });
    assert.throws(() => index.page({ first: -1 }), RangeError);
    assert.throws(() => index.page({ first: 2.5 }), RangeError);
    assert.throws(() => index.page({ last: 501 }), {
      name: 'RangeError',
      message: 'last must be between 0 and 500',
    });
    assert.throws(() => index.page({ first: 5, last: 5 }), RangeError);
  });

  it('treats null paging arguments (as GraphQL passes them) as absent', () => {
    const page = index.page({ first: null, last: null, after: null, before: null, filter: null, sort: null });
    assert.deepEqual(
      keys(page.sites),
      expected(FLEET.slice(0, 600), {}, { field: 'NAME', direction: 'ASC' }).slice(0, 50),
    );
  });
});

describe('SiteIndex: filters', () => {
  const index = indexOf(FLEET);
  const sort: SiteSort = { field: 'NAME', direction: 'ASC' };

  it('searches text case-insensitively in name, address and tenant', () => {
    const cases = ['SEOUL APARTMENT', 'seoul apartment', 'SeOuL aPaRtMeNt', 'METRO-CABLE', 'Sch-Busan-0001'];
    for (const text of cases) {
      const want = expected(FLEET, { text }, sort);
      assert.ok(want.length > 0, text);
      assert.deepEqual(walkForward(index, { filter: { text }, sort }, 500), want, text);
    }
    assert.deepEqual(
      walkForward(index, { filter: { text: 'SEOUL APARTMENT' } }, 500),
      walkForward(index, { filter: { text: 'seoul apartment' } }, 500),
    );
  });

  it('matches one site by the same rules (matchesFilter, for subscriptions)', () => {
    for (const { name, filter } of FILTERS) {
      const want = FLEET.filter((s) => bruteMatches(s, filter)).map(siteKey);
      assert.deepEqual(FLEET.filter((s) => matchesFilter(s, filter)).map(siteKey), want, name);
    }
    assert.equal(matchesFilter(FLEET[0] as Site, null), true);
  });

  it('treats an empty list as no constraint, not as matching nothing', () => {
    assert.equal(index.count({ regions: [], tenants: [], releases: [] }), FLEET.length);
    assert.equal(index.count({ regions: [], phases: ['Ready'] }), index.count({ phases: ['Ready'] }));
  });

  it('matches no release for a site reporting none', () => {
    const none = FLEET.filter((s) => s.status?.deployedRelease === undefined).length;
    assert.ok(none > 0);
    assert.equal(index.count({ releases: RELEASES }), FLEET.length - none);
  });

  it('moves a site between filter results when an upsert changes its region', () => {
    const local = indexOf(FLEET);
    const site = FLEET.find((s) => s.spec.location.region === 'seoul' && s.status?.phase === 'Ready') as Site;
    const before = { seoul: local.count({ regions: ['seoul'] }), jeju: local.count({ regions: ['jeju'] }) };
    const jejuPage = local.page({ filter: { regions: ['jeju'] }, first: 500 });
    assert.ok(!keys(jejuPage.sites).includes(siteKey(site)));
    const moved: Site = {
      ...site,
      spec: { ...site.spec, location: { ...site.spec.location, region: 'jeju' } },
    };
    local.upsert(moved);
    const fleet = FLEET.map((s) => (s === site ? moved : s));
    assert.equal(local.count({ regions: ['seoul'] }), before.seoul - 1);
    assert.equal(local.count({ regions: ['jeju'] }), before.jeju + 1);
    for (const filter of [
      { regions: ['jeju'] },
      { regions: ['seoul'], phases: ['Ready'] },
      { regions: ['jeju', 'seoul'] },
    ]) {
      for (const s of [sort, { field: 'REGION', direction: 'DESC' } as SiteSort]) {
        assert.deepEqual(walkForward(local, { filter, sort: s }, 500), expected(fleet, filter, s));
      }
    }
    assert.equal(local.get(siteKey(site)), moved);
  });
});

describe('SiteIndex: sorted orders kept through changes', () => {
  /**
   * Heartbeats and telemetry change often (telemetry through the feed: `telemetryChanged`, a
   * site's status unchanged); phases now and then; sites come and go.
   */
  function churn(sites: Map<string, Site>, r: () => number, n: number, index: SiteIndex): Site[] {
    const changed: Site[] = [];
    const all = [...sites.values()];
    for (let i = 0; i < n; i++) {
      const site = all[Math.floor(r() * all.length)] as Site;
      const { lastHeartbeat: _, ...rest } = site.status ?? {};
      const status: NonNullable<Site['status']> = rest;
      if (r() >= 0.05) {
        status.lastHeartbeat = new Date(BASE_TIME + Math.floor(r() * 600) * 1000).toISOString();
      }
      if (r() < 0.5) {
        TELEMETRY.set(siteKey(site), randomTelemetry(site, r));
        if (r() < 0.5) {
          index.telemetryChanged([siteKey(site)]);
          continue;
        }
      }
      if (r() < 0.1) {
        status.phase = SITE_PHASES[Math.floor(r() * SITE_PHASES.length)] as (typeof SITE_PHASES)[number];
      }
      const next = { ...site, status };
      sites.set(siteKey(next), next);
      changed.push(next);
    }
    return changed;
  }

  it('matches a fresh sort after small and large bursts of changes, additions and removals', () => {
    const r = seededRandom(99);
    const current = new Map(FLEET.map((s) => [siteKey(s), s]));
    const index = indexOf(FLEET);
    const sorts: SiteSort[] = [
      { field: 'LAST_HEARTBEAT', direction: 'ASC' },
      { field: 'ACTIVE_STREAMS', direction: 'DESC' },
      { field: 'PHASE', direction: 'ASC' },
      { field: 'NAME', direction: 'DESC' },
    ];
    const filters: SiteFilter[] = [{}, { phases: ['Ready'] }, { regions: ['ulsan'] }];
    const check = (label: string) => {
      for (const sort of sorts) {
        for (const filter of filters) {
          const want = expected([...current.values()], filter, sort);
          assert.deepEqual(walkForward(index, { filter, sort }, 500), want, `${label} ${sort.field}`);
        }
      }
    };
    check('initially');
    for (const burst of [1, 3, 40, 64, 65, 200, 2]) {
      for (const site of churn(current, r, burst, index)) {
        index.upsert(site);
      }
      const gone = [...current.keys()][Math.floor(r() * current.size)] as string;
      const back = current.get(gone) as Site;
      current.delete(gone);
      index.remove(gone);
      check(`after ${burst} changes and a removal`);
      current.set(gone, back);
      index.upsert(back);
      check(`after ${burst} changes and re-adding`);
    }
  });
});
