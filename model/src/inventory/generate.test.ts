import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { dump } from 'js-yaml';
import { REGION_CODES, REGIONS } from '../regions.ts';
import type { InventoryEntry } from './document.ts';
import { apportionByPopulation, generateFleet, NATIONAL_FLEET } from './generate.ts';
import { parseInventory } from './parse.ts';

const regionOf = (site: InventoryEntry) => (site.location as { region: string }).region;

function countBy<T>(items: readonly T[], key: (item: T) => string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) {
    counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  }
  return counts;
}

describe('apportionByPopulation', () => {
  const population = REGIONS.reduce((s, r) => s + r.populationMillions, 0);

  for (const total of [0, 1, 16, 17, 18, 100, 9000, 12000, 21000, 12345]) {
    it(`splits ${total} exactly, each region within one of its share`, () => {
      const counts = apportionByPopulation(total);
      assert.deepEqual([...counts.keys()], REGION_CODES);
      assert.equal(
        [...counts.values()].reduce((a, b) => a + b, 0),
        total,
      );
      for (const r of REGIONS) {
        const exact = (total * r.populationMillions) / population;
        const count = counts.get(r.code) ?? -1;
        assert.ok(
          count === Math.floor(exact) || count === Math.ceil(exact),
          `${r.code}: ${count} for an exact share of ${exact}`,
        );
      }
    });
  }

  it('gives the most sites to the most populous regions', () => {
    const counts = apportionByPopulation(21000);
    const ranked = [...counts.entries()].sort((a, b) => b[1] - a[1]).map(([code]) => code);
    assert.deepEqual(ranked.slice(0, 2), ['gyeonggi', 'seoul']);
    assert.equal(ranked.at(-1), 'sejong');
  });
});

describe('generateFleet: the national fleet', () => {
  const fleet = generateFleet();
  const sites = fleet.sites ?? [];
  const apartments = sites.filter((s) => s.kind === 'apartment-complex');
  const schools = sites.filter((s) => s.kind === 'school');

  it('has 9,000 apartment and 12,000 school sites (21,000)', () => {
    assert.equal(apartments.length, NATIONAL_FLEET.apartments);
    assert.equal(apartments.length, 9000);
    assert.equal(schools.length, 12000);
    assert.equal(sites.length, 21000);
  });

  it('covers all 17 regions with both kinds of site', () => {
    assert.equal(REGION_CODES.length, 17);
    assert.deepEqual(new Set(apartments.map(regionOf)), new Set(REGION_CODES));
    assert.deepEqual(new Set(schools.map(regionOf)), new Set(REGION_CODES));
  });

  it('spreads sites over regions by population', () => {
    assert.deepEqual(countBy(apartments, regionOf), apportionByPopulation(9000));
    assert.deepEqual(countBy(schools, regionOf), apportionByPopulation(12000));
  });

  it('names every site once', () => {
    const names = new Set(sites.map((s) => s.name));
    assert.equal(names.size, sites.length);
  });

  it('feeds every site from a cluster that serves its region, and every region from one cluster', () => {
    const clusters = new Map((fleet.wideAreaClusters ?? []).map((c) => [c.name, c.regions as string[]]));
    assert.equal(clusters.size, 6);
    const served = [...clusters.values()].flat();
    assert.deepEqual([...served].sort(), [...REGION_CODES].sort());
    for (const site of sites) {
      const regions = clusters.get(site.parentCluster as string);
      assert.ok(regions?.includes(regionOf(site)), `${site.name} is fed by ${String(site.parentCluster)}`);
    }
  });

  it('is deterministic: the same seed gives the same fleet', () => {
    assert.deepEqual(generateFleet(), fleet);
    assert.deepEqual(
      generateFleet({ seed: 7, apartments: 300, schools: 200 }),
      generateFleet({ seed: 7, apartments: 300, schools: 200 }),
    );
  });

  it('another seed gives another fleet of the same shape', () => {
    const a = generateFleet({ seed: 7, apartments: 300, schools: 200 });
    const b = generateFleet({ seed: 8, apartments: 300, schools: 200 });
    assert.notDeepEqual(a, b);
    assert.deepEqual(
      a.sites?.map((s) => s.name),
      b.sites?.map((s) => s.name),
    );
    assert.notDeepEqual(generateFleet({ seed: 1 }).sites, sites);
  });

  it('honours counts and a namespace', () => {
    const small = generateFleet({ apartments: 10, schools: 5, namespace: 'fleet-small' });
    assert.equal(small.namespace, 'fleet-small');
    assert.equal(small.sites?.length, 15);
    assert.equal(fleet.namespace, undefined);
  });

  it('parses back, serialized as YAML, with zero problems', () => {
    // noRefs skips js-yaml's scan for shared objects (aliases), about 5 s on 21,000 sites.
    const text = dump(fleet, { lineWidth: -1, noRefs: true });
    const result = parseInventory([{ file: 'national.yaml', text }]);
    assert.deepEqual(result.problems.slice(0, 5), []);
    const objects = result.inventory?.objects ?? [];
    assert.equal(objects.length, 5 + 6 + 21000);
    assert.deepEqual(
      [...countBy(objects, (o) => o.kind)],
      [
        ['Tenant', 5],
        ['WideAreaCluster', 6],
        ['Site', 21000],
      ],
    );
  });
});
