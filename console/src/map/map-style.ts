/**
 * The map's whole style, inline: no tile server, no sprite, no glyphs (text would need a glyph
 * server, so labels are HTML beside the map). Sea, the provinces filled by saturation (a feature
 * state the dashboard sets from the fleet summary) and outlined, and the sites: clustered at
 * national zoom, each cluster coloured by the worst health inside it (offline, degraded; green
 * once any site in it is up, grey while none is yet), single sites by their own.
 */
import type { FeatureCollection } from 'geojson';
import type { StyleSpecification } from 'maplibre-gl';
import { SATURATION_STOPS } from './provinces.ts';
import { HEALTH_COLOURS } from './site-points.ts';

export const SITES_SOURCE = 'sites';
export const PROVINCES_SOURCE = 'provinces';
export const CLUSTER_LAYER = 'site-clusters';
export const POINT_LAYER = 'site-points';

export function fleetMapStyle(provinces: FeatureCollection, clustered: boolean): StyleSpecification {
  return {
    version: 8,
    sources: {
      [PROVINCES_SOURCE]: { type: 'geojson', data: provinces },
      [SITES_SOURCE]: {
        type: 'geojson',
        data: { type: 'FeatureCollection', features: [] },
        cluster: clustered,
        clusterRadius: 44,
        clusterMaxZoom: 10,
        clusterProperties: {
          offline: ['+', ['get', 'offline']],
          degraded: ['+', ['get', 'degraded']],
          healthy: ['+', ['get', 'healthy']],
        },
      },
    },
    layers: [
      { id: 'sea', type: 'background', paint: { 'background-color': '#d7e6f2' } },
      {
        id: 'province-fill',
        type: 'fill',
        source: PROVINCES_SOURCE,
        paint: {
          'fill-color': [
            'interpolate',
            ['linear'],
            ['coalesce', ['feature-state', 'saturation'], 0],
            ...SATURATION_STOPS.flat(),
          ] as never,
          'fill-opacity': 0.9,
          // The borders as the fill's own 1-pixel outline, not a line layer: without a GPU
          // (SwiftShader) the line layer's geometry cost a quarter of every frame while panning.
          'fill-outline-color': '#4f5d6b',
        },
      },
      {
        id: CLUSTER_LAYER,
        type: 'circle',
        source: SITES_SOURCE,
        filter: ['has', 'point_count'],
        paint: {
          'circle-color': [
            'case',
            ['>', ['get', 'offline'], 0],
            HEALTH_COLOURS.offline,
            ['>', ['get', 'degraded'], 0],
            HEALTH_COLOURS.degraded,
            ['>', ['get', 'healthy'], 0],
            HEALTH_COLOURS.healthy,
            HEALTH_COLOURS.pending,
          ],
          'circle-radius': ['step', ['get', 'point_count'], 9, 50, 13, 500, 18, 2000, 24],
          'circle-stroke-color': '#ffffff',
          'circle-stroke-width': 1.5,
          'circle-opacity': 0.9,
        },
      },
      {
        id: POINT_LAYER,
        type: 'circle',
        source: SITES_SOURCE,
        filter: ['!', ['has', 'point_count']],
        paint: {
          'circle-color': [
            'match',
            ['get', 'health'],
            ...Object.entries(HEALTH_COLOURS).flat(),
            HEALTH_COLOURS.pending,
          ] as never,
          'circle-radius': ['interpolate', ['linear'], ['zoom'], 6, 3.5, 12, 7],
          'circle-stroke-color': '#ffffff',
          'circle-stroke-width': 1,
        },
      },
    ],
  };
}
