/**
 * Every site's position and phase for the map, read in one request: the API's `sitePoints`
 * answers with columns (ids, names, phases, latitudes, longitudes), about 2 MB for 21,000 sites,
 * where pages of Site objects were 42 requests and 4 MB queued six at a time behind the
 * browser's connection limit (and in front of the dashboard's counts). Kept current afterwards
 * by the live phase feed, not by reloading (MapSiteList). Bounded: at most MAX_SITES points.
 */
import { ApiError, type GraphqlClient } from '../graphql/client.ts';
import type { MapSite } from './site-points.ts';

export const MAX_SITES = 50_000;

/** The API's SitePoints: the i-th entry of every list is one site. */
export interface SitePointColumns {
  totalCount: number;
  ids: string[];
  names: string[];
  phases: string[];
  latitudes: number[];
  longitudes: number[];
}

/** The columns as sites, at most MAX_SITES; lists of different lengths are refused, never guessed at. */
export function mapSitesOf(columns: SitePointColumns): MapSite[] {
  const { ids, names, phases, latitudes, longitudes } = columns;
  const lengths = [names, phases, latitudes, longitudes].map((list) => list.length);
  if (lengths.some((length) => length !== ids.length)) {
    throw new ApiError(
      `the API's site points do not line up (${[ids.length, ...lengths].join(', ')} entries)`,
      500,
    );
  }
  const count = Math.min(ids.length, MAX_SITES);
  const sites = new Array<MapSite>(count);
  for (let i = 0; i < count; i++) {
    sites[i] = {
      id: ids[i] as string,
      name: names[i] as string,
      phase: phases[i] as string,
      spec: { location: { latitude: latitudes[i] as number, longitude: longitudes[i] as number } },
    };
  }
  return sites;
}

export async function loadMapSites(client: GraphqlClient): Promise<MapSite[]> {
  const answer = await client.run<{ sitePoints: SitePointColumns }>('SitePoints', {});
  return mapSitesOf(answer.sitePoints);
}

/**
 * The map's sites, changed in place by live phase events: one array the map reads (no copy per
 * event or per render) and where each site is in it.
 */
export class MapSiteList {
  readonly sites: MapSite[];
  readonly #at = new Map<string, number>();

  constructor(sites: MapSite[]) {
    this.sites = sites;
    sites.forEach((site, i) => {
      this.#at.set(site.id, i);
    });
  }

  /** The site as an event reports it; false when that changes nothing the map shows. */
  update(site: MapSite): boolean {
    const at = this.#at.get(site.id);
    if (at === undefined) {
      if (this.sites.length >= MAX_SITES) {
        return false;
      }
      this.#at.set(site.id, this.sites.length);
      this.sites.push(site);
      return true;
    }
    const known = this.sites[at] as MapSite;
    if (known.phase === site.phase) {
      return false;
    }
    this.sites[at] = { ...known, phase: site.phase };
    return true;
  }
}
