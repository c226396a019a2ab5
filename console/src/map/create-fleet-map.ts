/**
 * Makes the maplibre map for FleetMap: the inline style, Korea's bounds, no rotation or pitch,
 * zoom buttons, and the interactions (a popup saying what a point or cluster is, a click on a
 * cluster zooming in, a click on a site opening it). Kept apart from the React component so
 * the component only applies data.
 *
 * Hover is one query of both site layers per mouse move, and none while the map moves: during
 * a drag the cursor stays over the same point, so a popup would be looked up and moved on
 * every frame of the pan.
 */
import type { FeatureCollection } from 'geojson';
import {
  type GeoJSONSource,
  type MapGeoJSONFeature,
  Map as MapLibreMap,
  NavigationControl,
  Popup,
  setWorkerUrl,
} from 'maplibre-gl';
import { CLUSTER_LAYER, fleetMapStyle, POINT_LAYER, SITES_SOURCE } from './map-style.ts';

export const KOREA: [[number, number], [number, number]] = [
  [124.4, 33.0],
  [131.95, 38.75],
];

const SITE_LAYERS = [CLUSTER_LAYER, POINT_LAYER];

export interface CreateFleetMapOptions {
  container: HTMLElement;
  provinces: FeatureCollection;
  clustered: boolean;
  focus?: { longitude: number; latitude: number; zoom: number };
  /** Text for the hover popup of a site or cluster. */
  describe(feature: MapGeoJSONFeature): string;
  /** A single site's point was clicked. */
  onOpenSite(feature: MapGeoJSONFeature): void;
}

function addHover(map: MapLibreMap, describe: CreateFleetMapOptions['describe']) {
  const popup = new Popup({ closeButton: false, closeOnClick: false, offset: 8 });
  let shown = false;
  const hide = () => {
    if (shown) {
      map.getCanvas().style.cursor = '';
      popup.remove();
      shown = false;
    }
  };
  map.on('movestart', hide);
  map.on('mouseout', hide);
  map.on('mousemove', (event) => {
    if (map.isMoving()) {
      return;
    }
    const feature = map.queryRenderedFeatures(event.point, { layers: SITE_LAYERS })[0];
    if (!feature) {
      hide();
      return;
    }
    map.getCanvas().style.cursor = 'pointer';
    popup.setLngLat(event.lngLat).setText(describe(feature)).addTo(map);
    shown = true;
  });
}

function addClicks(map: MapLibreMap, onOpenSite: CreateFleetMapOptions['onOpenSite']) {
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
    const feature = event.features?.[0];
    if (feature) {
      onOpenSite(feature);
    }
  });
}

/** The map, or undefined when this browser cannot draw WebGL. */
export function createFleetMap(workerUrl: string, options: CreateFleetMapOptions): MapLibreMap | undefined {
  setWorkerUrl(workerUrl);
  let map: MapLibreMap;
  try {
    map = new MapLibreMap({
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
  map.addControl(new NavigationControl({ showCompass: false }), 'top-right');
  map.touchZoomRotate.disableRotation();
  addHover(map, options.describe);
  addClicks(map, options.onOpenSite);
  return map;
}
