/**
 * Site: a local server. Its spec and status types are generated from the model; the fields
 * here join it to the rest of the fleet (tenant, cluster, placement, alerts) and to its telemetry,
 * which lives in Prometheus: the latest sample (from the API's feed) and its history (a range query).
 */
import {
  type ReleaseAssignment,
  ReleaseAssignmentSpec,
  SITE_PHASES,
  type Site,
  SiteSpec,
  SiteStatus,
  SiteTelemetry,
} from '@smart-fleet/model';
import type { ApiContext } from '../../context.ts';
import { type Alert, siteAlerts } from '../../view/alerts.ts';
import { siteKey, sitePhase } from '../../view/site-index.ts';
import { builder } from '../builder.ts';
import { modelEnum, modelObjectType } from '../model-types.ts';
import { AlertRef, ClusterRef, PlacementRef, SiteRef, TenantRef } from '../refs.ts';
import { metaFields } from './common.ts';
import { STAFF, STAFF_ONLY_FIELDS, TELEMETRY_TREE } from './scopes.ts';

export const SitePhaseEnum = modelEnum(SITE_PHASES, 'SitePhase');
const SiteSpecRef = modelObjectType(SiteSpec, 'SiteSpec', { fieldScopes: STAFF_ONLY_FIELDS });
const SiteStatusRef = modelObjectType(SiteStatus, 'SiteStatus', { fieldScopes: STAFF_ONLY_FIELDS });
const AssignmentRef = modelObjectType(ReleaseAssignmentSpec, 'ReleaseAssignment', {});
const SiteTelemetryRef = modelObjectType(SiteTelemetry, 'SiteTelemetry', {});

/** Whether the caller may see this site at all: loaders answer "no such site" otherwise. */
export function canSeeSite(context: ApiContext, site: Site): boolean {
  const p = context.principal;
  return p.kind === 'staff' || (p.scopes.has('sites:read') && p.tenant === site.spec.tenant);
}

export function visibleSite(context: ApiContext, key: string): Site | null {
  const site = context.view.sites.get(key);
  return site && canSeeSite(context, site) ? site : null;
}

const TelemetryPoint = builder
  .objectRef<{ at: number; telemetry: Record<string, number> }>('TelemetryPoint')
  .implement({
    description: 'One telemetry sample a site agent reported.',
    authScopes: TELEMETRY_TREE,
    fields: (t) => ({
      at: t.field({ type: 'DateTime', resolve: (s) => new Date(s.at) }),
      activeStreams: t.int({ resolve: (s) => s.telemetry.activeStreams ?? 0 }),
      egressMbps: t.float({ resolve: (s) => s.telemetry.egressMbps ?? 0 }),
      cacheHitRatio: t.float({ resolve: (s) => s.telemetry.cacheHitRatio ?? 0 }),
      storageUsedGB: t.float({ resolve: (s) => s.telemetry.storageUsedGB ?? 0 }),
      acceleratorsHealthy: t.int({
        nullable: true,
        description: 'Stream accelerators working, as the device plugin reports; null where none reports.',
        resolve: (s) => s.telemetry.acceleratorsHealthy ?? null,
      }),
      drmDenials: t.int({ resolve: (s) => s.telemetry.drmDenials ?? 0 }),
      admissionRefusals: t.int({
        nullable: true,
        description: 'Sessions the edge refused since the previous sample; null where no edge reports.',
        resolve: (s) => s.telemetry.admissionRefusals ?? null,
      }),
      errors: t.int({ resolve: (s) => s.telemetry.errors ?? 0 }),
    }),
  });

builder.node(SiteRef, {
  description: 'A local SMART server at an apartment complex, campus, school, hotel or office building.',
  id: { resolve: (site) => siteKey(site) },
  loadOne: (key, context) => visibleSite(context, key),
  // A boolean, not a scope map: checked once per site, it allocates nothing on a 50-row page.
  authScopes: (site, context) => canSeeSite(context, site),
  fields: (t) => ({
    ...metaFields(t),
    phase: t.field({ type: SitePhaseEnum, resolve: (site) => sitePhase(site) as never }),
    spec: t.field({ type: SiteSpecRef, resolve: (site) => site.spec as never }),
    status: t.field({
      type: SiteStatusRef,
      nullable: true,
      resolve: (site) => (site.status ?? null) as never,
    }),
    tenant: t.field({
      type: TenantRef,
      nullable: true,
      resolve: (site, _args, context) =>
        context.view.get('Tenant', site.metadata.namespace ?? '', site.spec.tenant) ?? null,
    }),
    cluster: t.field({
      type: ClusterRef,
      nullable: true,
      authScopes: STAFF,
      description: 'The wide-area cluster that feeds the site.',
      resolve: (site, _args, context) =>
        context.view.get('WideAreaCluster', site.metadata.namespace ?? '', site.spec.parentCluster) ?? null,
    }),
    assignment: t.field({
      type: AssignmentRef,
      nullable: true,
      authScopes: STAFF,
      description:
        'The release the site should run, the rollout that set it and what a roll-back returns it to (status.deployedRelease says what it runs).',
      resolve: (site, _args, context) =>
        ((
          context.view.get('ReleaseAssignment', site.metadata.namespace ?? '', site.metadata.name) as
            | ReleaseAssignment
            | undefined
        )?.spec ?? null) as never,
    }),
    placement: t.field({
      type: PlacementRef,
      nullable: true,
      authScopes: STAFF,
      description: 'What the site pre-positions, and how far its fill has got.',
      resolve: (site, _args, context) =>
        context.view.get('ContentPlacement', site.metadata.namespace ?? '', site.metadata.name) ?? null,
    }),
    alerts: t.field({
      type: [AlertRef],
      authScopes: STAFF,
      description: 'What is wrong with the site now.',
      resolve: (site): Alert[] => siteAlerts(site),
    }),
    telemetry: t.field({
      type: SiteTelemetryRef,
      nullable: true,
      description:
        'What the site last reported (from Prometheus, pulled every scrape interval); null when it has not reported lately.',
      authScopes: TELEMETRY_TREE,
      resolve: (site, _args, context) => (context.view.telemetry(siteKey(site)) ?? null) as never,
    }),
    telemetrySeries: t.field({
      type: [TelemetryPoint],
      nullable: true,
      description:
        'What the site reported since `since` (default a day ago, at most 31 days), oldest first, live and replayed after outages; at most 720 points, a step of the range / 720 and at least the scrape interval. From Prometheus.',
      authScopes: TELEMETRY_TREE,
      args: { since: t.arg({ type: 'DateTime', required: false }) },
      complexity: 20,
      resolve: async (site, args, context) => {
        const since = args.since ? String(Date.parse(args.since)) : '';
        return (await context.siteSeries.load(`${since}|${siteKey(site)}`)) as never;
      },
    }),
  }),
});
