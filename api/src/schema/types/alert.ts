/** Alert: something wrong now with a site, a rollout or a wide-area cluster (see view/alerts.ts). */
import type { Alert } from '../../view/alerts.ts';
import { builder } from '../builder.ts';
import { AlertRef, SiteRef } from '../refs.ts';
import { STAFF } from './scopes.ts';

export const AlertSeverityEnum = builder.enumType('AlertSeverity', {
  values: ['CRITICAL', 'WARNING'] as const,
});
export const AlertSourceKindEnum = builder.enumType('AlertSourceKind', {
  values: ['Site', 'Rollout', 'WideAreaCluster'] as const,
});

builder.node(AlertRef, {
  description: 'A condition that needs attention, from the moment it began until it clears.',
  id: { resolve: (a: Alert) => a.id },
  loadOne: (id, context) =>
    context.principal.kind === 'staff' ? (context.view.alerts().find((a) => a.id === id) ?? null) : null,
  authScopes: STAFF,
  fields: (t) => ({
    alertId: t.exposeString('id', { description: 'The stable alert key (kind/namespace/name/type@since).' }),
    type: t.exposeString('type'),
    severity: t.field({ type: AlertSeverityEnum, resolve: (a) => a.severity }),
    message: t.exposeString('message'),
    since: t.field({ type: 'DateTime', resolve: (a) => a.since }),
    sourceKind: t.field({ type: AlertSourceKindEnum, resolve: (a) => a.sourceKind }),
    sourceNamespace: t.exposeString('namespace'),
    sourceName: t.exposeString('name'),
    site: t.field({
      type: SiteRef,
      nullable: true,
      resolve: (a, _args, context) =>
        a.sourceKind === 'Site' ? (context.view.sites.get(`${a.namespace}/${a.name}`) ?? null) : null,
    }),
    acknowledged: t.boolean({ resolve: (a) => a.acknowledgedBy !== undefined }),
    acknowledgedBy: t.string({ nullable: true, resolve: (a) => a.acknowledgedBy ?? null }),
    acknowledgedAt: t.field({ type: 'DateTime', nullable: true, resolve: (a) => a.acknowledgedAt ?? null }),
  }),
});
