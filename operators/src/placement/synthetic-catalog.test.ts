import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CODECS, contentTitleKind, REGION_CODES, validateObject } from '@smart-fleet/model';
import { syntheticCatalog } from './synthetic-catalog.ts';

describe('syntheticCatalog', () => {
  const catalog = syntheticCatalog({ titles: 1000, seed: 11, namespace: 'library' });
  const national = catalog.map((t) => (t.spec.demand ?? []).reduce((s, d) => s + d.weight, 0));

  it('is the same for the same options, and different for another seed', () => {
    assert.deepEqual(syntheticCatalog({ titles: 1000, seed: 11, namespace: 'library' }), catalog);
    assert.notDeepEqual(syntheticCatalog({ titles: 1000, seed: 12, namespace: 'library' }), catalog);
    assert.deepEqual(catalog.map((t) => t.metadata.name).slice(0, 3), [
      'title-00001',
      'title-00002',
      'title-00003',
    ]);
  });

  it('makes titles the ContentTitle schema accepts', () => {
    for (const t of catalog) {
      assert.deepEqual(validateObject(contentTitleKind, t), [], t.metadata.name);
      assert.equal(t.metadata.namespace, 'library');
    }
  });

  it('gives 1-3 renditions of distinct bitrates, sized bitrate x duration / 8', () => {
    const counts = new Set<number>();
    for (const t of catalog) {
      const { renditions, mpeg7 } = t.spec;
      counts.add(renditions.length);
      assert.equal(new Set(renditions.map((r) => r.bitrateMbps)).size, renditions.length);
      for (const r of renditions) {
        assert.ok(r.bitrateMbps >= 2 && r.bitrateMbps <= 20);
        assert.ok((CODECS as readonly string[]).includes(r.codec));
        assert.equal(r.sizeMB, Math.max(1, Math.round((r.bitrateMbps * mpeg7.durationSeconds) / 8)));
      }
    }
    assert.deepEqual([...counts].sort(), [1, 2, 3]);
  });

  it('shapes national demand like Zipf: a few titles carry most of it', () => {
    const sorted = national.filter((n) => n > 0).sort((a, b) => b - a);
    const total = sorted.reduce((a, b) => a + b, 0);
    const top10 = sorted.slice(0, Math.round(sorted.length / 10)).reduce((a, b) => a + b, 0);
    assert.ok(top10 / total > 0.4, `top 10% carry only ${((100 * top10) / total).toFixed(1)}%`);
    assert.ok((sorted[0] as number) > 20 * (sorted[Math.floor(sorted.length / 2)] as number));
  });

  it('leaves some titles without demand, and makes some regional', () => {
    const withoutDemand = catalog.filter((t) => !t.spec.demand).length;
    assert.ok(withoutDemand > 10 && withoutDemand < 120, `${withoutDemand} titles without demand`);
    const regional = catalog.filter((t, i) => {
      const top = Math.max(...(t.spec.demand ?? []).map((d) => d.weight));
      return t.spec.demand && top > 0.5 * (national[i] as number);
    });
    assert.ok(regional.length > 100, `${regional.length} regional titles`);
    const homes = new Set(
      regional.map((t) => [...(t.spec.demand ?? [])].sort((a, b) => b.weight - a.weight)[0]?.region),
    );
    assert.ok(homes.size >= 10, `regional titles live in only ${homes.size} regions`);
    for (const t of catalog) {
      for (const d of t.spec.demand ?? []) {
        assert.ok(REGION_CODES.includes(d.region));
      }
    }
  });
});
