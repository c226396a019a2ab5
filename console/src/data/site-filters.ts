/**
 * The site list's filters and sort as react-admin holds them, turned into the API's SiteFilter
 * and SiteSort. Lists are bounded (no filter names more values than the API has), text is
 * trimmed and capped; an unknown sort field is refused by name rather than silently ignored.
 */
export interface SiteListFilter {
  q?: string;
  regions?: string[];
  phases?: string[];
  kinds?: string[];
  releases?: string[];
  tenants?: string[];
  clusters?: string[];
  channels?: string[];
}

export const MAX_FILTER_VALUES = 50;
export const MAX_TEXT_LENGTH = 100;

/** react-admin sort fields (record paths) -> the API's SiteSortField. */
export const SITE_SORT_FIELDS: Record<string, string> = {
  name: 'NAME',
  phase: 'PHASE',
  'spec.location.region': 'REGION',
  'spec.subscriberCap': 'SUBSCRIBER_CAP',
  'spec.streaming.egressBudgetMbps': 'EGRESS_BUDGET',
  'status.lastHeartbeat': 'LAST_HEARTBEAT',
  'telemetry.activeStreams': 'ACTIVE_STREAMS',
};

export class FilterError extends Error {
  override name = 'FilterError';
}

const ENUM_VALUE = /^[A-Z][A-Z0-9_]{0,63}$/;
const NAME_VALUE = /^[a-z0-9][a-z0-9.-]{0,252}$/;

function list(name: string, value: unknown, pattern: RegExp): string[] | undefined {
  if (value === undefined || value === null || value === '') {
    return undefined;
  }
  const values = Array.isArray(value) ? value : [value];
  if (values.length > MAX_FILTER_VALUES) {
    throw new FilterError(`filter ${name}: at most ${MAX_FILTER_VALUES} values, not ${values.length}`);
  }
  for (const v of values) {
    if (typeof v !== 'string' || !pattern.test(v)) {
      throw new FilterError(`filter ${name}: ${JSON.stringify(v).slice(0, 80)} is not a valid value`);
    }
  }
  return values.length > 0 ? (values as string[]) : undefined;
}

/** The SiteFilter variables for react-admin's filter values; empty filters are left out. */
export function siteFilterVariables(filter: Record<string, unknown>): Record<string, unknown> {
  const text = typeof filter.q === 'string' ? filter.q.trim().slice(0, MAX_TEXT_LENGTH) : '';
  const variables: Record<string, unknown> = {
    regions: list('regions', filter.regions, ENUM_VALUE),
    phases: list('phases', filter.phases, ENUM_VALUE),
    kinds: list('kinds', filter.kinds, ENUM_VALUE),
    channels: list('channels', filter.channels, ENUM_VALUE),
    releases: list('releases', filter.releases, NAME_VALUE),
    tenants: list('tenants', filter.tenants, NAME_VALUE),
    clusters: list('clusters', filter.clusters, NAME_VALUE),
    text: text === '' ? undefined : text,
  };
  return Object.fromEntries(Object.entries(variables).filter(([, v]) => v !== undefined));
}

export function siteSortVariables(sort: { field: string; order: string } | undefined) {
  if (!sort?.field || sort.field === 'id') {
    return undefined;
  }
  const field = SITE_SORT_FIELDS[sort.field];
  if (!field) {
    throw new FilterError(`sites cannot be sorted by ${sort.field.slice(0, 80)}`);
  }
  return { field, direction: sort.order === 'DESC' ? 'DESC' : 'ASC' };
}
