import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { REGIONS } from '@smart-fleet/model/regions';
import type { Topology } from 'topojson-specification';
import { graphqlEnumName } from '../data/enum-names.ts';
import { provinceFeatures } from './provinces.ts';

const topology = JSON.parse(
  readFileSync(new URL('./korea-provinces-2018.topo.json', import.meta.url), 'utf8'),
) as Topology;

describe('the vendored provinces', () => {
  it('map one to one onto the model regions by statistics code', () => {
    const { collection, unknownCodes } = provinceFeatures(topology);
    assert.deepEqual(unknownCodes, []);
    assert.deepEqual(
      collection.features.map((f) => f.properties.region).sort(),
      REGIONS.map((r) => graphqlEnumName(r.code)).sort(),
    );
    for (const f of collection.features) {
      assert.ok(f.geometry.type === 'Polygon' || f.geometry.type === 'MultiPolygon', f.properties.region);
    }
  });

  it('say where they come from and under which licence, beside the file', () => {
    const attribution = readFileSync(new URL('./ATTRIBUTION.md', import.meta.url), 'utf8');
    assert.match(attribution, /Boundaries: Statistics Korea \(KOSTAT\) SGIS, 2018, KOGL Type 1/);
  });
});
