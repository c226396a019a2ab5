/**
 * Every site's position and phase for the map, read once through the API's site connection:
 * one chain of 500-row pages per region, the chains in parallel (the browser runs six at a
 * time), so 21,000 sites cost about as long as the largest region's dozen pages. Kept current
 * afterwards by the live phase feed, not by reloading. Bounded: at most MAX_SITES points.
 */
import type { GraphqlClient } from '../graphql/client.ts';
import type { MapSite } from './site-points.ts';

export const MAX_SITES = 50_000;
const STAFF_PAGE = 500;
/** Partners' cost limit is lower (docs/api.md): smaller pages keep each under it. */
const PARTNER_PAGE = 250;

interface MapPage {
  sites: {
    totalCount: number;
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
    edges: { node: MapSite }[];
  };
}

export async function loadMapSites(options: {
  client: GraphqlClient;
  regions: readonly string[];
  partner: boolean;
  onProgress?(loaded: number): void;
}): Promise<Map<string, MapSite>> {
  const sites = new Map<string, MapSite>();
  const first = options.partner ? PARTNER_PAGE : STAFF_PAGE;
  const keep = (page: MapPage) => {
    for (const edge of page.sites.edges) {
      if (sites.size < MAX_SITES) {
        sites.set(edge.node.id, edge.node);
      }
    }
    options.onProgress?.(sites.size);
  };
  const chain = async (region: string) => {
    let after: string | null = null;
    for (let page = 0; page * first < MAX_SITES; page++) {
      const answer: MapPage = await options.client.run<MapPage>('MapSites', {
        first,
        after,
        filter: { regions: [region] },
      });
      keep(answer);
      after = answer.sites.pageInfo.hasNextPage ? answer.sites.pageInfo.endCursor : null;
      if (!after) {
        return;
      }
    }
  };
  await Promise.all(options.regions.map(chain));
  return sites;
}
