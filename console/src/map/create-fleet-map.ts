/**
 * Makes the maplibre map for FleetMap: the inline style, Korea's bounds, no rotation or pitch,
 * zoom buttons, and the interactions (a popup saying what a point or cluster is, a click on a
 * cluster zooming in, a click on a site opening it). Kept apart from the React component so
 * the component only applies data.
 */
import type { FeatureCollection } from 'geojson';
import type { GeoJSONSource, MapGeoJSONFeature, Map as MapLibreMap } from 'maplibre-gl';
import { CLUSTER_LAYER, fleetMapStyle, POINT_LAYER, SITES_SOURCE } from './map-style.ts';

type MapLibre = typeof import('maplibre-gl');

export const KOREA: [[number, number], [number, number]] = [
  [124.4, 33.0],
  [131.95, 38.75],
];

export interface CreateFleetMapOptions {
  container: HTMLElement;
  provinces: FeatureCollection;
  clustered: boolean;
  focus?: { longitude: number; latitude: number; zoom: number };
  /** Text for the hover popup of a site or cluster. */
  describe(feature: MapGeoJSONFeature): string;
  onOpenSite(id: string): void;
}

function addHover(maplibregl: MapLibre, map: MapLibreMap, describe: CreateFleetMapOptions['describe']) {
  const popup = new maplibregl.Popup({ closeButton: false, closeOnClick: false, offset: 8 });
  for (const layer of [CLUSTER_LAYER, POINT_LAYER]) {
    map.on('mousemove', layer, (event) => {
      const feature = event.features?.[0];
      if (feature) {
        map.getCanvas().style.cursor = 'pointer';
        popup.setLngLat(event.lngLat).setText(describe(feature)).addTo(map);
      }
    });
    map.on('mouseleave', layer, () => {
      map.getCanvas().style.cursor = '';
      popup.remove();
    });
  }
}

function addClicks(map: MapLibreMap, onOpenSite: (id: string) => void) {
  map.on('click', CLUSTER_LAYER, (event) => {
    const feature = event.features?.[0];
    const source = map.getSource<GeoJSONSource>(SITES_SOURCE);
    if (!feature || !source || feature.geometry.type !== 'Point') {
      return;
    }
    const center = feature.geometry.coordinates as [number, number];
    void source
      .getClusterExpansionZoom(Number(feature.properties.cluster_id))
      .then((zoom) => map.easeTo({ center, zoom }));
  });
  map.on('click', POINT_LAYER, (event) => {
    const id = event.features?.[0]?.properties.id;
    if (typeof id === 'string') {
      onOpenSite(id);
    }
  });
}

/** The map, or undefined when this browser cannot draw WebGL. */
export function createFleetMap(
  maplibregl: MapLibre,
  workerUrl: string,
  options: CreateFleetMapOptions,
): MapLibreMap | undefined {
  maplibregl.setWorkerUrl(workerUrl);
  let map: MapLibreMap;
  try {
    map = new maplibregl.Map({
      container: options.container,
      style: fleetMapStyle(options.provinces, options.clustered),
      bounds: options.focus ? undefined : KOREA,
      center: options.focus ? [options.focus.longitude, options.focus.latitude] : undefined,
      zoom: options.focus?.zoom,
      maxBounds: [
        [120, 31],
        [136, 41],
      ],
      attributionControl: false,
      dragRotate: false,
      pitchWithRotate: false,
      touchPitch: false,
      fadeDuration: 0,
    });
  } catch {
    return undefined;
  }
  map.addControl(new maplibregl.NavigationControl({ showCompass: false }), 'top-right');
  map.touchZoomRotate.disableRotation();
  addHover(maplibregl, map, options.describe);
  addClicks(map, options.onOpenSite);
  return map;
}
