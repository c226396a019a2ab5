/**
 * The console's resources as the API serves them: which operation lists each (and the
 * connection field in its answer), which reads one by id, how react-admin's filters become the
 * operation's variables, and which partners may use at all. The data provider is generic over
 * this table; nothing else knows a document's name.
 */
import type { OperationName } from '../graphql/client.ts';
import { siteFilterVariables, siteSortVariables } from './site-filters.ts';

export interface ResourceSpec {
  /** Lists the resource a page at a time: a Relay connection under `connection`. */
  list: { staff: OperationName; partner?: OperationName; connection: string };
  /** Skips rows without reading them (long lists only). */
  cursor?: { staff: OperationName; partner?: OperationName };
  /** Reads one by its global id through `node(id:)`. */
  one?: { staff: OperationName; partner?: OperationName };
  variables?: (filter: Record<string, unknown>) => Record<string, unknown>;
  sort?: (sort: { field: string; order: string } | undefined) => unknown;
}

const bounded = (value: unknown, max = 100) =>
  typeof value === 'string' && value.trim() !== '' ? value.trim().slice(0, max) : undefined;
const oneOf = (value: unknown, allowed: readonly string[]) =>
  allowed.includes(value as string) ? value : undefined;
const bool = (value: unknown) =>
  value === true || value === 'true' ? true : value === false || value === 'false' ? false : undefined;

export const RESOURCES: Record<string, ResourceSpec> = {
  sites: {
    list: { staff: 'SiteList', partner: 'PartnerSiteList', connection: 'sites' },
    cursor: { staff: 'SiteCursor', partner: 'PartnerSiteCursor' },
    one: { staff: 'Site', partner: 'PartnerSite' },
    variables: (filter) => ({ filter: siteFilterVariables(filter) }),
    sort: siteSortVariables,
  },
  rollouts: { list: { staff: 'RolloutList', connection: 'rollouts' }, one: { staff: 'Rollout' } },
  releases: { list: { staff: 'ReleaseList', connection: 'siteReleases' }, one: { staff: 'Release' } },
  content: {
    list: { staff: 'ContentList', partner: 'PartnerContentList', connection: 'contentTitles' },
    one: { staff: 'Content', partner: 'PartnerContent' },
    variables: (filter) => ({ text: bounded(filter.q) }),
  },
  clusters: { list: { staff: 'ClusterList', connection: 'wideAreaClusters' }, one: { staff: 'Cluster' } },
  alerts: {
    list: { staff: 'AlertList', connection: 'alerts' },
    variables: (filter) => ({
      severity: oneOf(filter.severity, ['CRITICAL', 'WARNING']),
      acknowledged: bool(filter.acknowledged),
      sourceKind: oneOf(filter.sourceKind, ['Site', 'Rollout', 'WideAreaCluster']),
    }),
  },
  tenants: { list: { staff: 'TenantList', connection: 'tenants' }, one: { staff: 'Tenant' } },
};
