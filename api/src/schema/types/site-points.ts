/**
 * SitePoints: every site a filter matches as flat columns, for drawing the fleet on a map in
 * one request (view/site-points.ts says why). The i-th entry of each list is the same site.
 */
import { encodeGlobalID } from '@pothos/plugin-relay';
import type { SitePointColumns } from '../../view/site-points.ts';
import { builder } from '../builder.ts';
import { SITE_TREE } from './scopes.ts';
import { SitePhaseEnum } from './site.ts';

export const SitePointsRef = builder.objectRef<SitePointColumns>('SitePoints').implement({
  description:
    "Sites as columns for a map: the i-th id, name, phase, latitude and longitude are one site's. At most 50,000 sites; `totalCount` says how many matched.",
  authScopes: SITE_TREE,
  fields: (t) => ({
    totalCount: t.exposeInt('totalCount', {
      description: 'Every site the filter matched; more than the lists hold when they were cut at 50,000.',
    }),
    ids: t.field({
      type: ['ID'],
      description: "Each site's global id (the same as Site.id).",
      resolve: (points) => points.keys.map((key) => encodeGlobalID('Site', key)),
    }),
    names: t.exposeStringList('names'),
    phases: t.field({ type: [SitePhaseEnum], resolve: (points) => points.phases as never }),
    latitudes: t.exposeFloatList('latitudes', { description: 'Degrees north, rounded to 5 decimals.' }),
    longitudes: t.exposeFloatList('longitudes', { description: 'Degrees east, rounded to 5 decimals.' }),
  }),
});
