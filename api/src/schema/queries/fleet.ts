/**
 * Queries over the smaller kinds (tens to thousands of objects), answered from the view and
 * paged in memory; the fleet summary and telemetry series; alerts; partner API keys.
 */
import type { ContentTitle, Tenant } from '@smart-fleet/model';
import type { ApiContext } from '../../context.ts';
import { regionSeries, seriesWindow } from '../../telemetry/series.ts';
import type { ViewKind } from '../../view/fleet-view.ts';
import { builder } from '../builder.ts';
import {
  AlertRef,
  ApiKeyRef,
  ClusterRef,
  DrmPolicyRef,
  ReleaseRef,
  RolloutRef,
  TenantRef,
  TitleRef,
} from '../refs.ts';
import { AlertSeverityEnum, AlertSourceKindEnum } from '../types/alert.ts';
import { byName, type Meta, pageOf } from '../types/common.ts';
import { CONTENT_TREE, OPERATOR, SITE_TREE, STAFF } from '../types/scopes.ts';
import { FleetSummaryRef, RegionSampleRef } from '../types/summary.ts';

type ListKind = Exclude<ViewKind, 'Site'>;

const inNamespace = (context: ApiContext, kind: ListKind, namespace: string | null | undefined) =>
  byName(context.view.list<Meta>(kind, namespace ?? undefined));

/** A staff-only paged list of one kind, optionally in one namespace. */
function staffList(field: string, kind: ListKind, type: unknown, description: string) {
  return builder.queryField(field, (t) =>
    t.connection(
      {
        type: type as never,
        description,
        authScopes: STAFF,
        args: { namespace: t.arg.string({ required: false }) },
        resolve: (_root, args, context) => pageOf(args, inNamespace(context, kind, args.namespace)) as never,
      },
      { name: `${kind}Connection` },
      { name: `${kind}Edge` },
    ),
  );
}

staffList('wideAreaClusters', 'WideAreaCluster', ClusterRef, 'Wide-area clusters.');
staffList('siteReleases', 'SiteRelease', ReleaseRef, 'Site releases.');
staffList('rollouts', 'Rollout', RolloutRef, 'Rollouts, newest state first in each namespace.');
staffList('drmPolicies', 'DrmPolicy', DrmPolicyRef, 'DRM policies (no key material).');

builder.queryFields((t) => ({
  tenants: t.connection(
    {
      type: TenantRef,
      description: 'Tenants; a partner sees only its own.',
      authScopes: { staff: true, partner: true },
      args: { namespace: t.arg.string({ required: false }) },
      resolve: (_root, args, context) => {
        const all = inNamespace(context, 'Tenant', args.namespace) as unknown as Tenant[];
        const p = context.principal;
        return pageOf(args, p.kind === 'staff' ? all : all.filter((x) => x.metadata.name === p.tenant));
      },
    },
    { name: 'TenantConnection' },
    { name: 'TenantEdge' },
  ),
  contentTitles: t.connection(
    {
      type: TitleRef,
      description: 'The content library; a partner sees only the titles it owns.',
      authScopes: CONTENT_TREE,
      args: {
        namespace: t.arg.string({ required: false }),
        text: t.arg.string({
          required: false,
          description: 'Case-insensitive part of the title, genre or creator.',
        }),
        owner: t.arg.string({ required: false }),
      },
      resolve: (_root, args, context) => {
        const p = context.principal;
        const text = args.text?.toLowerCase();
        const titles = (
          inNamespace(context, 'ContentTitle', args.namespace) as unknown as ContentTitle[]
        ).filter(
          (title) =>
            (p.kind === 'staff' || title.spec.owner === p.tenant) &&
            (!args.owner || title.spec.owner === args.owner) &&
            (!text || titleText(title).includes(text)),
        );
        return pageOf(args, titles);
      },
    },
    { name: 'ContentTitleConnection' },
    { name: 'ContentTitleEdge' },
  ),
  alerts: t.connection(
    {
      type: AlertRef,
      description: 'Current alerts, newest first.',
      authScopes: STAFF,
      args: {
        severity: t.arg({ type: AlertSeverityEnum, required: false }),
        sourceKind: t.arg({ type: AlertSourceKindEnum, required: false }),
        acknowledged: t.arg.boolean({ required: false }),
      },
      resolve: (_root, args, context) =>
        pageOf(
          args,
          context.view
            .alerts()
            .filter(
              (a) =>
                (!args.severity || a.severity === args.severity) &&
                (!args.sourceKind || a.sourceKind === args.sourceKind) &&
                (args.acknowledged == null || (a.acknowledgedBy !== undefined) === args.acknowledged),
            ),
        ),
    },
    { name: 'AlertConnection' },
    { name: 'AlertEdge' },
  ),
  fleetSummary: t.field({
    type: FleetSummaryRef,
    description: 'Counts and capacity over the fleet; a partner gets its own sites only.',
    authScopes: SITE_TREE,
    args: { namespace: t.arg.string({ required: false }) },
    resolve: (_root, args, context) => {
      const { summary, current } = context.view.summaries.read({
        namespace: args.namespace ?? undefined,
        tenant: context.principal.kind === 'partner' ? context.principal.tenant : undefined,
      });
      if (!current) {
        context.readBehindView = true;
      }
      return summary;
    },
  }),
  regionSeries: t.field({
    type: [RegionSampleRef],
    description:
      "A region's (or, without one, the nation's) reporting sites, streams and egress since `since` (default a day ago, at most 31 days), oldest first, at most 720 points; from Prometheus.",
    authScopes: STAFF,
    args: {
      region: t.arg.string({ required: false }),
      since: t.arg({ type: 'DateTime', required: false }),
    },
    resolve: async (_root, args, context) => {
      const { prometheus, scrapeIntervalMs } = context.telemetry;
      const window = seriesWindow(
        args.since ? new Date(args.since) : undefined,
        new Date(),
        scrapeIntervalMs,
      );
      const points = await regionSeries(prometheus, args.region ?? undefined, window);
      const summary = context.view.summaries.get();
      const capacity = args.region
        ? (summary.byRegion.find((r) => r.region === args.region)?.egressCapacityMbps ?? 0)
        : summary.egressCapacityMbps;
      return points.map((p) => ({ ...p, egressCapacityMbps: capacity }));
    },
  }),
  apiKeys: t.field({
    type: [ApiKeyRef],
    description: 'Partner API keys (never their secrets).',
    authScopes: OPERATOR,
    args: { tenant: t.arg.string({ required: false }) },
    resolve: (_root, args, context) => context.apiKeys.list(args.tenant ?? undefined),
  }),
}));

function titleText(title: ContentTitle): string {
  const m = title.spec.mpeg7;
  return [title.metadata.name, m.title, ...m.genre, ...m.creators.map((c) => c.name)].join(' ').toLowerCase();
}
