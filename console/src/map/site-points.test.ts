import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { healthOf, type MapSite, sitePoints } from './site-points.ts';

const site = (name: string, phase: string, latitude = 37.5, longitude = 127): MapSite => ({
  id: `id-${name}`,
  name,
  phase,
  spec: { location: { latitude, longitude } },
});

describe('the map clustering input', () => {
  it('folds the seven phases into the health the map colours by', () => {
    assert.deepEqual(
      ['READY', 'DEGRADED', 'OFFLINE', 'PENDING', 'PROVISIONING', 'DRAINING', 'DECOMMISSIONED'].map(healthOf),
      ['healthy', 'degraded', 'offline', 'pending', 'pending', 'inactive', 'inactive'],
    );
  });

  it('gives each site one point, GeoJSON order (longitude first), with the counts clusters sum', () => {
    const sites = [site('a', 'OFFLINE', 37.56, 126.97), site('b', 'DEGRADED'), site('c', 'READY')];
    const { collection, outside } = sitePoints(sites);
    assert.equal(outside, 0);
    assert.deepEqual(collection.features[0]?.geometry.coordinates, [126.97, 37.56]);
    assert.deepEqual(
      collection.features.map((f) => [
        sites[Number(f.id)]?.name,
        f.properties.offline,
        f.properties.degraded,
        f.properties.healthy,
      ]),
      [
        ['a', 1, 0, 0],
        ['b', 0, 1, 0],
        ['c', 0, 0, 1],
      ],
    );
    assert.deepEqual(
      collection.features.map((f) => f.id),
      [0, 1, 2],
      'numeric feature ids, as maplibre needs',
    );
    assert.deepEqual(Object.keys(collection.features[0]?.properties ?? {}).sort(), [
      'degraded',
      'health',
      'healthy',
      'offline',
    ]);
  });

  it('leaves out, and counts, sites placed outside Korea, each point still naming its own site', () => {
    const sites = [site('sea', 'READY', 0, 0), site('nan', 'READY', Number.NaN, 127), site('ok', 'READY')];
    const { collection, outside } = sitePoints(sites);
    assert.equal(outside, 2);
    assert.deepEqual(
      collection.features.map((f) => sites[Number(f.id)]?.name),
      ['ok'],
    );
  });

  it('handles the national fleet in one pass', () => {
    const fleet = Array.from({ length: 21_000 }, (_, i) =>
      site(`s${i}`, i % 50 === 0 ? 'OFFLINE' : 'READY', 34 + (i % 400) / 100, 126 + (i % 300) / 100),
    );
    const { collection } = sitePoints(fleet);
    assert.equal(collection.features.length, 21_000);
    assert.equal(
      collection.features.reduce((n, f) => n + f.properties.offline, 0),
      420,
    );
  });
});
