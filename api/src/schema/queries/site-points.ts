/**
 * The map's query: every site a filter matches, as columns, in one answer. A partner's filter
 * is narrowed to its own tenant as the site list's is (scopedFilter), so it draws only its sites.
 */
import { MAX_SITE_POINTS, sitePointColumns } from '../../view/site-points.ts';
import { builder } from '../builder.ts';
import { SITE_TREE } from '../types/scopes.ts';
import { SitePointsRef } from '../types/site-points.ts';
import { SiteFilterInput, scopedFilter } from './sites.ts';

/**
 * What the query costs against the caller's limits (schema/query-limits.ts). Building the columns is
 * one pass over the index's matches, which for 21,000 sites costs less than resolving a
 * 250-row page of Site objects does; it is priced like that page so a partner's limit admits it.
 */
const SITE_POINTS_COMPLEXITY = 2500;

builder.queryField('sitePoints', (t) =>
  t.field({
    type: SitePointsRef,
    description: `Every site the filter matches, as columns for a map (at most ${MAX_SITE_POINTS.toLocaleString('en')}); a partner gets its own sites only.`,
    authScopes: SITE_TREE,
    args: { filter: t.arg({ type: SiteFilterInput, required: false }) },
    complexity: SITE_POINTS_COMPLEXITY,
    resolve: (_root, args, context) => {
      const filter = scopedFilter(context, args.filter);
      if (!filter) {
        return sitePointColumns([], 0);
      }
      const index = context.view.sites;
      return sitePointColumns(index.matching(filter), index.count(filter));
    },
  }),
);
