/**
 * Selections that staff and partner documents share, spelled once. Every field here is one a
 * partner may read (docs/api.md); staff-only fields live in staff-operations.ts. The documents
 * built from these are plain strings, so the partner ones hash to fixed persisted-operation ids.
 */
export const SITE_ROW = `id name namespace phase
  spec { kind tenant subscriberCap releaseChannel lifecycle location { region address latitude longitude }
    streaming { egressBudgetMbps } }
  status { deployedRelease lastHeartbeat }
  telemetry { activeStreams egressMbps }`;

export const SITE_DETAIL = `id name namespace phase createdAt resourceVersion
  spec { kind tenant subscriberCap releaseChannel lifecycle
    location { region address latitude longitude }
    hardware { profile configuration cpus modules accelerators storageGB }
    streaming { egressBudgetMbps streamPlan { bitrateMbps streams } }
    maintenanceWindow { days start durationMinutes timeZone } }
  status { deployedRelease lastHeartbeat }
  telemetry { activeStreams egressMbps cacheHitRatio storageUsedGB acceleratorsHealthy drmDenials errors }
  tenant { id name spec { displayName } }`;

export const PAGE_INFO = 'pageInfo { hasNextPage hasPreviousPage startCursor endCursor }';

export const PAGE_ARGS = '$first: Int, $after: String, $last: Int, $before: String';
export const PAGE_VARS = 'first: $first, after: $after, last: $last, before: $before';

export const FLEET_SUMMARY = `query FleetSummary {
  fleetSummary {
    sites activeStreams egressMbps egressCapacityMbps utilization saturatedSites subscriberCapacity generatedAt
    byPhase { phase count }
    byRegion { region sites activeStreams egressMbps egressCapacityMbps utilization byPhase { phase count } }
    byKind { kind count }
    byRelease { release count }
  }
}`;

/** Every site the caller may see, as columns (the API's sitePoints): the dashboard map's one read. */
export const SITE_POINTS = `query SitePoints($filter: SiteFilter) {
  sitePoints(filter: $filter) { totalCount ids names phases latitudes longitudes }
}`;

export const SITE_TELEMETRY = `query SiteTelemetry($id: ID!, $since: DateTime) {
  node(id: $id) { ... on Site { id telemetrySeries(since: $since) { at activeStreams egressMbps cacheHitRatio errors } } }
}`;

export const SITE_PHASE_CHANGED = `subscription SitePhaseChanged {
  sitePhaseChanged { at from to site { id name namespace phase spec { location { region latitude longitude } } } }
}`;
