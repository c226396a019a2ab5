/**
 * Every GraphQL document the console sends with a partner's API key, and nothing else: the
 * API holds partners to one persisted-operation allow-list, and this module is the console's
 * part of it. `npm run api:operations` compiles these (hashed as the browser hashes them) with
 * the partner integrations' documents into api/operations/partner-operations.json, which the
 * API loads (`--partner-operations`); the console sends partners' requests by hash only. A
 * partner screen that needs another query adds it here and runs `npm run api:operations`, or
 * the API refuses it.
 */
import {
  FLEET_SUMMARY,
  PAGE_ARGS,
  PAGE_INFO,
  PAGE_VARS,
  SITE_DETAIL,
  SITE_PHASE_CHANGED,
  SITE_POINTS,
  SITE_ROW,
  SITE_TELEMETRY,
} from './shared-fields.ts';

export const PARTNER_OPERATIONS = {
  PartnerSiteList: `query PartnerSiteList(${PAGE_ARGS}, $filter: SiteFilter, $sort: SiteSort) {
  sites(${PAGE_VARS}, filter: $filter, sort: $sort) { totalCount ${PAGE_INFO} edges { cursor node { ${SITE_ROW} } } }
}`,
  PartnerSiteCursor: `query PartnerSiteCursor($first: Int!, $after: String, $filter: SiteFilter, $sort: SiteSort) {
  sites(first: $first, after: $after, filter: $filter, sort: $sort) { totalCount pageInfo { hasNextPage endCursor } }
}`,
  PartnerSite: `query PartnerSite($id: ID!) { node(id: $id) { ... on Site { ${SITE_DETAIL} } } }`,
  PartnerTenant: `query PartnerTenant { tenants(first: 1) { edges { node { id name spec { displayName kind } } } } }`,
  PartnerContentList: `query PartnerContentList(${PAGE_ARGS}, $text: String) {
  contentTitles(${PAGE_VARS}, text: $text) { totalCount ${PAGE_INFO}
    edges { cursor node { id name namespace spec { owner mpeg7 { title genre language durationSeconds } } status { sizeMB sitesPlaced } } } }
}`,
  PartnerContent: `query PartnerContent($id: ID!) { node(id: $id) { ... on ContentTitle { id name namespace
  spec { owner mpeg7 { title synopsis genre language durationSeconds creators { name role } }
    renditions { name codec bitrateMbps sizeMB } demand { region weight } }
  status { sizeMB sitesPlaced } } } }`,
  FleetSummary: FLEET_SUMMARY,
  SitePoints: SITE_POINTS,
  SiteTelemetry: SITE_TELEMETRY,
  SitePhaseChanged: SITE_PHASE_CHANGED,
} as const;

export type PartnerOperationName = keyof typeof PARTNER_OPERATIONS;
