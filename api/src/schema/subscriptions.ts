/**
 * Subscriptions, served over Server-Sent Events: site phase changes (a partner hears only its
 * own sites), rollout progress and new alerts (staff). Each subscriber has a bounded buffer.
 */
import type { SitePhaseChange } from '../view/fleet-view.ts';
import { matchesFilter } from '../view/site-index.ts';
import { builder } from './builder.ts';
import { SiteFilterInput, scopedFilter } from './queries/sites.ts';
import { AlertRef, RolloutRef, SiteRef } from './refs.ts';
import { AlertSeverityEnum } from './types/alert.ts';
import { SITE_TREE, STAFF } from './types/scopes.ts';
import { canSeeSite, SitePhaseEnum } from './types/site.ts';

const SitePhaseChangeRef = builder.objectRef<SitePhaseChange>('SitePhaseChange').implement({
  description: "A site's phase changed (e.g. Ready to Offline).",
  authScopes: SITE_TREE,
  fields: (t) => ({
    site: t.field({ type: SiteRef, resolve: (c) => c.site }),
    from: t.field({ type: SitePhaseEnum, resolve: (c) => c.from as never }),
    to: t.field({ type: SitePhaseEnum, resolve: (c) => c.to as never }),
    at: t.field({ type: 'DateTime', resolve: (c) => c.at }),
  }),
});

builder.subscriptionFields((t) => ({
  sitePhaseChanged: t.field({
    type: SitePhaseChangeRef,
    description: 'Every phase change of the sites that match (a partner: of its own sites only).',
    authScopes: SITE_TREE,
    args: { filter: t.arg({ type: SiteFilterInput, required: false }) },
    subscribe: (_root, args, context) => {
      const filter = scopedFilter(context, args.filter);
      return context.view.events.subscribe(
        'sitePhase',
        (change) => filter !== null && canSeeSite(context, change.site) && matchesFilter(change.site, filter),
      );
    },
    resolve: (change) => change,
  }),
  rolloutProgress: t.field({
    type: RolloutRef,
    description: 'The rollout each time its status changes.',
    authScopes: STAFF,
    args: { namespace: t.arg.string({ required: true }), name: t.arg.string({ required: true }) },
    subscribe: (_root, args, context) =>
      context.view.events.subscribe(
        'rollout',
        (r) => r.metadata.namespace === args.namespace && r.metadata.name === args.name,
      ),
    resolve: (rollout) => rollout,
  }),
  alertRaised: t.field({
    type: AlertRef,
    description: 'Each new alert as it begins.',
    authScopes: STAFF,
    args: { severity: t.arg({ type: AlertSeverityEnum, required: false }) },
    subscribe: (_root, args, context) =>
      context.view.events.subscribe('alert', (a) => !args.severity || a.severity === args.severity),
    resolve: (alert) => alert,
  }),
}));
