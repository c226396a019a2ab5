/**
 * What the map clusters: every site as a GeoJSON point with its health, the one property the
 * colours and the clusters' aggregates read. Health folds the seven phases into what a NOC
 * looks for first (offline, then degraded). Points outside Korea's extent (a typo in an
 * inventory) are counted and left off, never drawn in the sea off Africa.
 *
 * A point carries no more than it draws with: its feature id is the site's place in the list
 * the map was given, and the popup and a click read the name and id from there. maplibre copies
 * every property of every point to its worker, field by field, on the page's main thread (21,000
 * sites: hundreds of milliseconds), and then into its tiles; two strings fewer a site is a
 * third less of that.
 */
import { KOREA_BOUNDS } from '@smart-fleet/model/regions';
import type { Feature, FeatureCollection, Point } from 'geojson';

export const HEALTHS = ['offline', 'degraded', 'pending', 'inactive', 'healthy'] as const;
export type Health = (typeof HEALTHS)[number];

export const HEALTH_COLOURS: Record<Health, string> = {
  offline: '#c62828',
  degraded: '#ef6c00',
  pending: '#6d6d6d',
  inactive: '#5e35b1',
  healthy: '#2e7d32',
};

/** The API's SitePhase enum (READY, ...) to the map's health. */
export function healthOf(phase: string): Health {
  switch (phase) {
    case 'OFFLINE':
      return 'offline';
    case 'DEGRADED':
      return 'degraded';
    case 'READY':
      return 'healthy';
    case 'DRAINING':
    case 'DECOMMISSIONED':
      return 'inactive';
    default:
      return 'pending';
  }
}

export interface MapSite {
  id: string;
  name: string;
  phase: string;
  spec: { location: { latitude: number; longitude: number } };
}

export interface SitePointProperties {
  health: Health;
  /** 1 for offline, 0 otherwise: clusters sum these to know their worst. */
  offline: number;
  degraded: number;
  healthy: number;
}

export function inKorea(latitude: number, longitude: number): boolean {
  return (
    Number.isFinite(latitude) &&
    Number.isFinite(longitude) &&
    latitude >= KOREA_BOUNDS.minLat &&
    latitude <= KOREA_BOUNDS.maxLat &&
    longitude >= KOREA_BOUNDS.minLon &&
    longitude <= KOREA_BOUNDS.maxLon
  );
}

/** `index`: where the site is in the list the map was given (the feature id maplibre reports back). */
export function sitePoint(site: MapSite, index: number): Feature<Point, SitePointProperties> {
  const health = healthOf(site.phase);
  return {
    type: 'Feature',
    id: index,
    geometry: { type: 'Point', coordinates: [site.spec.location.longitude, site.spec.location.latitude] },
    properties: {
      health,
      offline: health === 'offline' ? 1 : 0,
      degraded: health === 'degraded' ? 1 : 0,
      healthy: health === 'healthy' ? 1 : 0,
    },
  };
}

export function sitePoints(sites: readonly MapSite[]): {
  collection: FeatureCollection<Point, SitePointProperties>;
  outside: number;
} {
  const features: Feature<Point, SitePointProperties>[] = [];
  let outside = 0;
  sites.forEach((site, index) => {
    if (inKorea(site.spec.location.latitude, site.spec.location.longitude)) {
      features.push(sitePoint(site, index));
    } else {
      outside += 1;
    }
  });
  return { collection: { type: 'FeatureCollection', features }, outside };
}
