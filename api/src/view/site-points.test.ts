import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { generateFleet, parseInventory, type Site } from '@smart-fleet/model';
import { matchesFilter, type SiteFilter, SiteIndex, siteKey, sitePhase } from './site-index.ts';
import { sitePointColumns } from './site-points.ts';

function sites(apartments: number, schools: number): Site[] {
  const doc = generateFleet({ apartments, schools, namespace: 'points' });
  const { inventory, problems } = parseInventory([{ file: 'fleet.json', text: JSON.stringify(doc) }]);
  assert.deepEqual(problems, []);
  const all = (inventory?.objects ?? []).filter((o) => o.kind === 'Site') as unknown as Site[];
  // Phases vary, so the phase column is tested on more than the default.
  return all.map((site, i) => (i % 3 === 0 ? { ...site, status: { phase: 'Ready' } } : site) as Site);
}

const fleet = sites(300, 120);
const index = new SiteIndex();
for (const site of fleet) {
  index.upsert(site);
}

describe("the map's site points", () => {
  it('hold every matching site once, the columns lined up site by site', () => {
    const columns = sitePointColumns(index.matching({}), index.count({}));
    assert.equal(columns.totalCount, fleet.length);
    assert.equal(new Set(columns.keys).size, fleet.length);
    for (const list of [columns.names, columns.phases, columns.latitudes, columns.longitudes]) {
      assert.equal(list.length, fleet.length);
    }
    const byKey = new Map(fleet.map((s) => [siteKey(s), s]));
    columns.keys.forEach((key, i) => {
      const site = byKey.get(key);
      assert.ok(site, key);
      assert.equal(columns.names[i], site.metadata.name);
      assert.equal(columns.phases[i], sitePhase(site));
      assert.ok(Math.abs((columns.latitudes[i] ?? 0) - site.spec.location.latitude) <= 0.000005);
      assert.ok(Math.abs((columns.longitudes[i] ?? 0) - site.spec.location.longitude) <= 0.000005);
    });
    assert.ok(columns.phases.includes('Ready') && columns.phases.includes('Pending'));
  });

  it('match a filter exactly as the site list does', () => {
    const region = fleet[0]?.spec.location.region ?? '';
    const filters: SiteFilter[] = [
      { regions: [region] },
      { regions: [region], kinds: ['school'] },
      { phases: ['Ready'], text: 'apt' },
      { tenants: ['no-such-tenant'] },
    ];
    for (const filter of filters) {
      const expected = fleet.filter((s) => matchesFilter(s, filter)).map(siteKey);
      assert.equal(
        expected.length > 0,
        filter.tenants === undefined,
        `${JSON.stringify(filter)} matches some`,
      );
      const columns = sitePointColumns(index.matching(filter), index.count(filter));
      assert.deepEqual([...columns.keys].sort(), expected.sort(), JSON.stringify(filter));
      assert.equal(columns.totalCount, expected.length);
    }
  });

  it('stop at the limit, and still say how many matched', () => {
    const columns = sitePointColumns(index.matching({}), index.count({}), 100);
    assert.equal(columns.keys.length, 100);
    assert.equal(columns.latitudes.length, 100);
    assert.equal(columns.totalCount, fleet.length);
  });

  it('round coordinates to five decimals', () => {
    const [first] = fleet;
    assert.ok(first);
    const site = {
      ...first,
      spec: {
        ...first.spec,
        location: { ...first.spec.location, latitude: 37.123456789, longitude: 127.987654321 },
      },
    } as Site;
    const columns = sitePointColumns([site], 1);
    assert.deepEqual([columns.latitudes[0], columns.longitudes[0]], [37.12346, 127.98765]);
  });
});
