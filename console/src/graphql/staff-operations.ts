/**
 * The documents staff (operators and NOC) send: everything a partner may read (shared-fields.ts)
 * plus the staff-only views and the mutations. Mutations select `__typename` and every error
 * type, so a refusal comes back as data the data provider maps onto form fields.
 */
import {
  FLEET_SUMMARY,
  PAGE_ARGS,
  PAGE_INFO,
  PAGE_VARS,
  SITE_DETAIL,
  SITE_POINTS,
  SITE_ROW,
} from './shared-fields.ts';

const ERRORS = `... on ValidationError { message issues { field message } }
    ... on NotFoundError { message kind target }
    ... on ConflictError { message }`;

const ROLLOUT = `id name namespace phase createdAt resourceVersion
  spec { release paused abort canarySites respectMaintenanceWindows
    selector { regions kinds tenants channels }
    waves { name percent maxUnavailable }
    healthGate { bakeSeconds maxEgressSaturation maxErrorRatePerMinute } }
  status { phase currentWave sitesHeld
    waves { name state sitesTotal sitesUpdated sitesHealthy startedAt bakingSince finishedAt }
    conditions { type status reason message lastTransitionTime } }`;

const ALERT =
  'id alertId type severity message since sourceKind sourceNamespace sourceName acknowledged acknowledgedBy acknowledgedAt site { id name }';

const mutation = (name: string, args: string, call: string, data: string) =>
  `mutation ${name}(${args}) { ${call} { __typename ... on Mutation${name}Success { data { ${data} } } ${ERRORS} } }`;

export const STAFF_OPERATIONS = {
  FleetSummary: FLEET_SUMMARY,
  SitePoints: SITE_POINTS,
  SiteList: `query SiteList(${PAGE_ARGS}, $filter: SiteFilter, $sort: SiteSort) {
  sites(${PAGE_VARS}, filter: $filter, sort: $sort) { totalCount ${PAGE_INFO} edges { cursor node { ${SITE_ROW} } } }
}`,
  SiteCursor: `query SiteCursor($first: Int!, $after: String, $filter: SiteFilter, $sort: SiteSort) {
  sites(first: $first, after: $after, filter: $filter, sort: $sort) { totalCount pageInfo { hasNextPage endCursor } }
}`,
  Site: `query Site($id: ID!) { node(id: $id) { ... on Site { ${SITE_DETAIL}
  spec { parentCluster }
  assignment { release rollout previousRelease rolledBackFrom }
  status { conditions { type status reason message lastTransitionTime } }
  cluster { id name }
  alerts { ${ALERT} }
  placement { spec { fillWindow { start durationMinutes } titles { title sizeMB renditions } }
    status { state plannedMB filledMB lastReport } } } } }`,
  RegionSeries: `query RegionSeries($region: String, $since: DateTime) {
  regionSeries(region: $region, since: $since) { at activeStreams egressMbps egressCapacityMbps sites }
}`,
  RolloutList: `query RolloutList(${PAGE_ARGS}) { rollouts(${PAGE_VARS}) { totalCount ${PAGE_INFO} edges { cursor node { ${ROLLOUT} } } } }`,
  Rollout: `query Rollout($id: ID!) { node(id: $id) { ... on Rollout { ${ROLLOUT} } } }`,
  ReleaseList: `query ReleaseList(${PAGE_ARGS}) { siteReleases(${PAGE_VARS}) { totalCount ${PAGE_INFO}
  edges { cursor node { id name namespace createdAt spec { version channel notes } status { sitesRunning } } } } }`,
  Release: `query Release($id: ID!) { node(id: $id) { ... on SiteRelease { id name namespace createdAt
  spec { version channel notes services { name image settings } } status { sitesRunning } } } }`,
  ContentList: `query ContentList(${PAGE_ARGS}, $text: String) { contentTitles(${PAGE_VARS}, text: $text) { totalCount ${PAGE_INFO}
  edges { cursor node { id name namespace spec { owner drmPolicy mpeg7 { title genre language durationSeconds } } status { sizeMB sitesPlaced } } } } }`,
  Content: `query Content($id: ID!) { node(id: $id) { ... on ContentTitle { id name namespace
  spec { owner drmPolicy mpeg7 { title synopsis genre language durationSeconds creators { name role } }
    renditions { name codec bitrateMbps sizeMB } demand { region weight } }
  status { sizeMB sitesPlaced conditions { type status reason message lastTransitionTime } }
  drmPolicy { id name spec { algorithm keyScope rotationDays licenseDurationHours } } } } }`,
  ClusterList: `query ClusterList(${PAGE_ARGS}) { wideAreaClusters(${PAGE_VARS}) { totalCount ${PAGE_INFO}
  edges { cursor node { id name namespace spec { regions storageTB usersPerRegion nodeGroups { role count nodeType } } status { phase sites } } } } }`,
  Cluster: `query Cluster($id: ID!) { node(id: $id) { ... on WideAreaCluster { id name namespace
  spec { regions storageTB usersPerRegion nodeGroups { role count nodeType } fabric { portSpeedGbps partitions { name pkey } } }
  status { phase sites conditions { type status reason message lastTransitionTime } } } } }`,
  AlertList: `query AlertList(${PAGE_ARGS}, $severity: AlertSeverity, $acknowledged: Boolean, $sourceKind: AlertSourceKind) {
  alerts(${PAGE_VARS}, severity: $severity, acknowledged: $acknowledged, sourceKind: $sourceKind) { totalCount ${PAGE_INFO}
    edges { cursor node { ${ALERT} } } } }`,
  AlertCounts: `query AlertCounts {
  critical: alerts(first: 0, severity: CRITICAL, acknowledged: false) { totalCount }
  warning: alerts(first: 0, severity: WARNING, acknowledged: false) { totalCount }
  acknowledged: alerts(first: 0, acknowledged: true) { totalCount }
}`,
  TenantList: `query TenantList(${PAGE_ARGS}) { tenants(${PAGE_VARS}) { totalCount ${PAGE_INFO}
  edges { cursor node { id name namespace spec { displayName kind contactEmail } status { sites } } } } }`,
  Tenant: `query Tenant($id: ID!) { node(id: $id) { ... on Tenant { id name namespace spec { displayName kind contactEmail } status { sites } } } }`,
  ApiKeys: `query ApiKeys($tenant: String) { apiKeys(tenant: $tenant) { keyId name tenant scopes createdAt createdBy } }`,
  DrainSite: mutation(
    'DrainSite',
    '$namespace: String!, $name: String!',
    'drainSite(namespace: $namespace, name: $name)',
    'id phase',
  ),
  StartRollout: mutation(
    'StartRollout',
    '$namespace: String!, $name: String!, $spec: RolloutSpecInput!',
    'startRollout(namespace: $namespace, name: $name, spec: $spec)',
    ROLLOUT,
  ),
  PauseRollout: mutation(
    'PauseRollout',
    '$namespace: String!, $name: String!',
    'pauseRollout(namespace: $namespace, name: $name)',
    ROLLOUT,
  ),
  ResumeRollout: mutation(
    'ResumeRollout',
    '$namespace: String!, $name: String!',
    'resumeRollout(namespace: $namespace, name: $name)',
    ROLLOUT,
  ),
  AbortRollout: mutation(
    'AbortRollout',
    '$namespace: String!, $name: String!',
    'abortRollout(namespace: $namespace, name: $name)',
    ROLLOUT,
  ),
  CreateRelease: mutation(
    'CreateRelease',
    '$namespace: String!, $name: String!, $spec: SiteReleaseSpecInput!',
    'createRelease(namespace: $namespace, name: $name, spec: $spec)',
    'id name namespace spec { version channel notes } status { sitesRunning }',
  ),
  AcknowledgeAlert: mutation(
    'AcknowledgeAlert',
    '$alertId: String!',
    'acknowledgeAlert(alertId: $alertId)',
    ALERT,
  ),
  CreatePartnerApiKey: mutation(
    'CreatePartnerApiKey',
    '$tenant: String!, $name: String!, $scopes: [PartnerScope!]!',
    'createPartnerApiKey(tenant: $tenant, name: $name, scopes: $scopes)',
    'key apiKey { keyId name tenant scopes createdAt createdBy }',
  ),
  RevokePartnerApiKey: mutation(
    'RevokePartnerApiKey',
    '$keyId: String!',
    'revokePartnerApiKey(keyId: $keyId)',
    'keyId name tenant scopes createdAt createdBy',
  ),
  RolloutProgress: `subscription RolloutProgress($namespace: String!, $name: String!) {
  rolloutProgress(namespace: $namespace, name: $name) { ${ROLLOUT} } }`,
  AlertRaised: `subscription AlertRaised { alertRaised { ${ALERT} } }`,
} as const;

export type StaffOperationName = keyof typeof STAFF_OPERATIONS;
