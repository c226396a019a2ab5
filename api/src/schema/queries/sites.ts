/** Site queries: one site, and the filtered, sorted, cursor-paged list the console and partners page through. */
import { REGION_CODES, RELEASE_CHANNELS, SITE_KINDS } from '@smart-fleet/model';
import { GraphQLError } from 'graphql';
import type { ApiContext } from '../../context.ts';
import { CursorError } from '../../view/cursor.ts';
import {
  SITE_SORT_FIELDS,
  type SiteFilter,
  type SitePage,
  type SitePageRequest,
} from '../../view/site-index.ts';
import { builder } from '../builder.ts';
import { modelEnum } from '../model-types.ts';
import { SiteRef } from '../refs.ts';
import { SITE_TREE } from '../types/scopes.ts';
import { SitePhaseEnum, visibleSite } from '../types/site.ts';

export const SortDirection = builder.enumType('SortDirection', { values: ['ASC', 'DESC'] as const });
const SiteSortField = builder.enumType('SiteSortField', { values: SITE_SORT_FIELDS });

export const SiteFilterInput = builder.inputType('SiteFilter', {
  description:
    'Every given field must match; within a list, any value matches. An empty list is no constraint.',
  fields: (t) => ({
    namespace: t.string({ required: false }),
    regions: t.field({ type: [modelEnum(REGION_CODES, 'RegionCode')], required: false }),
    phases: t.field({ type: [SitePhaseEnum], required: false }),
    kinds: t.field({ type: [modelEnum(SITE_KINDS, 'SiteKind')], required: false }),
    releases: t.stringList({ required: false, description: 'Deployed release names.' }),
    tenants: t.stringList({ required: false }),
    clusters: t.stringList({ required: false, description: 'Parent wide-area clusters (staff only).' }),
    channels: t.field({ type: [modelEnum(RELEASE_CHANNELS, 'ReleaseChannel')], required: false }),
    text: t.string({ required: false, description: 'Case-insensitive part of the name, address or tenant.' }),
  }),
});

const SiteSortInput = builder.inputType('SiteSort', {
  fields: (t) => ({
    field: t.field({ type: SiteSortField, required: true }),
    direction: t.field({ type: SortDirection, required: false, defaultValue: 'ASC' }),
  }),
});

/** The filter as the index takes it; a partner's is narrowed to its own tenant whatever it asked. */
export function scopedFilter(
  context: ApiContext,
  filter: Record<string, unknown> | null | undefined,
): SiteFilter | null {
  const f = Object.fromEntries(
    Object.entries(filter ?? {}).filter(([, v]) => v !== null && v !== undefined),
  ) as SiteFilter;
  const p = context.principal;
  if (p.kind === 'staff') {
    return f;
  }
  if ((f.tenants?.length ?? 0) > 0 && !f.tenants?.includes(p.tenant)) {
    return null; // asked only for other tenants' sites: none are visible
  }
  // Partners may not select by wide-area cluster: it would reveal the topology.
  return { ...f, clusters: undefined, tenants: [p.tenant] };
}

/** Sort orders that read telemetry: ordering by them would tell a partner without `telemetry:read` the values. */
const TELEMETRY_SORTS: ReadonlySet<string> = new Set(['ACTIVE_STREAMS']);

function checkSortAllowed(context: ApiContext, field: string | undefined): void {
  const p = context.principal;
  if (field && TELEMETRY_SORTS.has(field) && p.kind === 'partner' && !p.scopes.has('telemetry:read')) {
    throw new GraphQLError(`sorting by ${field} needs an API key with the telemetry:read scope`, {
      extensions: { code: 'FORBIDDEN' },
    });
  }
}

export function badPaging(error: unknown): never {
  if (error instanceof CursorError || error instanceof RangeError) {
    throw new GraphQLError(error.message, { extensions: { code: 'BAD_USER_INPUT' } });
  }
  throw error;
}

function connectionOf(page: SitePage) {
  return {
    edges: page.sites.map((node, i) => ({ node, cursor: page.cursors[i] ?? '' })),
    pageInfo: {
      hasNextPage: page.hasNextPage,
      hasPreviousPage: page.hasPreviousPage,
      startCursor: page.cursors[0] ?? null,
      endCursor: page.cursors.at(-1) ?? null,
    },
    totalCount: page.totalCount,
  };
}

const EMPTY: SitePage = { sites: [], cursors: [], totalCount: 0, hasNextPage: false, hasPreviousPage: false };

builder.queryFields((t) => ({
  site: t.field({
    type: SiteRef,
    nullable: true,
    description: 'One site, or null if there is none the caller may see.',
    authScopes: SITE_TREE,
    args: { namespace: t.arg.string({ required: true }), name: t.arg.string({ required: true }) },
    resolve: (_root, args, context) => visibleSite(context, `${args.namespace}/${args.name}`),
  }),
  sites: t.connection(
    {
      type: SiteRef,
      description: 'Sites, filtered and sorted, a page at a time (at most 500 rows a page).',
      authScopes: SITE_TREE,
      args: {
        filter: t.arg({ type: SiteFilterInput, required: false }),
        sort: t.arg({ type: SiteSortInput, required: false }),
      },
      complexity: (args) => ({ field: 1, multiplier: Math.min(500, args.first ?? args.last ?? 50) }),
      resolve: (_root, args, context) => {
        checkSortAllowed(context, args.sort?.field);
        const filter = scopedFilter(context, args.filter);
        if (!filter) {
          return connectionOf(EMPTY);
        }
        const request: SitePageRequest = {
          filter,
          sort: args.sort ? { field: args.sort.field, direction: args.sort.direction ?? 'ASC' } : undefined,
          first: args.first ?? undefined,
          after: args.after ?? undefined,
          last: args.last ?? undefined,
          before: args.before ?? undefined,
        };
        try {
          return connectionOf(context.view.sites.page(request));
        } catch (error) {
          return badPaging(error);
        }
      },
    },
    { name: 'SiteConnection' },
    { name: 'SiteEdge' },
  ),
}));
