/**
 * The vendored KOSTAT provinces (ATTRIBUTION.md) as GeoJSON for the map, each feature keyed by
 * the API's region enum (`SEOUL`) through the model's statistics code, never by name (the 2018
 * names predate two renamings). A province the model does not know is left out and reported.
 */
import { REGIONS } from '@smart-fleet/model/regions';
import type { Feature, FeatureCollection, Geometry } from 'geojson';
import { feature } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';
import { graphqlEnumName } from '../data/enum-names.ts';

export const PROVINCES_OBJECT = 'skorea_provinces_2018_geo';

export interface ProvinceProperties {
  /** The API's region enum, e.g. SEOUL. */
  region: string;
  code: string;
}

const REGION_BY_STATISTICS_CODE = new Map<string, string>(
  REGIONS.map((r) => [r.statisticsCode, graphqlEnumName(r.code)]),
);

export function provinceFeatures(topology: Topology): {
  collection: FeatureCollection<Geometry, ProvinceProperties>;
  unknownCodes: string[];
} {
  const object = topology.objects[PROVINCES_OBJECT] as GeometryCollection<{ code: string }> | undefined;
  if (!object) {
    throw new Error(`the provinces file has no ${PROVINCES_OBJECT} object`);
  }
  const all = feature(topology, object) as FeatureCollection<Geometry, { code: string }>;
  const unknownCodes: string[] = [];
  const features: Feature<Geometry, ProvinceProperties>[] = [];
  for (const f of all.features) {
    const region = REGION_BY_STATISTICS_CODE.get(f.properties.code);
    if (region) {
      features.push({ ...f, id: Number(f.properties.code), properties: { region, code: f.properties.code } });
    } else {
      unknownCodes.push(f.properties.code);
    }
  }
  return { collection: { type: 'FeatureCollection', features }, unknownCodes };
}

/** Saturation (egress / capacity, 0..1+) to a fill colour: light blue when idle to deep red when full. */
export const SATURATION_STOPS: readonly [number, string][] = [
  [0, '#e8f1fb'],
  [0.5, '#9ecae1'],
  [0.75, '#fdae6b'],
  [0.9, '#e6550d'],
  [1, '#a50f15'],
];
