/** The fleet at a glance: counts by phase, region, release and kind; streams and egress against capacity. */

import type { RegionPoint } from '../../telemetry/series.ts';
import type { FleetSummary, RegionSummary } from '../../view/fleet-summary.ts';
import { builder } from '../builder.ts';
import { SITE_TREE, STAFF, TELEMETRY_TREE } from './scopes.ts';

type FieldBuilder = Parameters<Parameters<typeof builder.objectType>[1]['fields'] & object>[0];

const PhaseCount = builder.objectRef<{ phase: string; count: number }>('PhaseCount').implement({
  authScopes: SITE_TREE,
  fields: (t) => ({ phase: t.exposeString('phase'), count: t.exposeInt('count') }),
});

/** What the sites reported (telemetry: a partner needs `telemetry:read`), or what they are built for. */
type Figure = { int?: boolean; telemetry?: boolean };

function capacityFields(t: FieldBuilder) {
  const figure = (key: keyof RegionSummary, description: string, { int, telemetry }: Figure = {}) => {
    const options = {
      description,
      authScopes: telemetry ? TELEMETRY_TREE : undefined,
      resolve: (o: unknown) => (o as RegionSummary)[key] as number,
    };
    return int ? t.int(options) : t.float(options);
  };
  return {
    sites: figure('sites', 'Sites counted.', { int: true }),
    activeStreams: figure('activeStreams', 'Concurrent streams the sites last reported.', {
      int: true,
      telemetry: true,
    }),
    egressMbps: figure('egressMbps', 'Egress the sites last reported.', { telemetry: true }),
    egressCapacityMbps: figure(
      'egressCapacityMbps',
      "Sum of the sites' egress budgets (decommissioned excluded).",
    ),
    subscriberCapacity: figure('subscriberCapacity', 'Subscribers the sites may serve.', { int: true }),
    utilization: figure('utilization', 'egressMbps / egressCapacityMbps.', { telemetry: true }),
  };
}

const RegionSummaryRef = builder.objectRef<RegionSummary>('RegionSummary').implement({
  authScopes: SITE_TREE,
  fields: (t) => ({
    region: t.exposeString('region'),
    byPhase: t.field({ type: [PhaseCount], resolve: (r) => r.byPhase }),
    ...capacityFields(t),
  }),
});

const ReleaseCount = builder.objectRef<{ release: string | null; count: number }>('ReleaseCount').implement({
  authScopes: SITE_TREE,
  fields: (t) => ({
    release: t.string({ nullable: true, resolve: (r) => r.release }),
    count: t.exposeInt('count'),
  }),
});

const KindCount = builder.objectRef<{ kind: string; count: number }>('KindCount').implement({
  authScopes: SITE_TREE,
  fields: (t) => ({ kind: t.exposeString('kind'), count: t.exposeInt('count') }),
});

export const FleetSummaryRef = builder.objectRef<FleetSummary>('FleetSummary').implement({
  description: 'Counts and capacity over the sites the caller may see.',
  authScopes: SITE_TREE,
  fields: (t) => ({
    byPhase: t.field({ type: [PhaseCount], resolve: (s) => s.byPhase }),
    byRegion: t.field({ type: [RegionSummaryRef], resolve: (s) => s.byRegion }),
    byRelease: t.field({ type: [ReleaseCount], resolve: (s) => s.byRelease }),
    byKind: t.field({ type: [KindCount], resolve: (s) => s.byKind }),
    saturatedSites: t.int({
      description: 'Sites whose reported egress is over 90% of their budget.',
      authScopes: TELEMETRY_TREE,
      resolve: (s) => s.saturatedSites,
    }),
    generatedAt: t.field({ type: 'DateTime', resolve: (s) => s.generatedAt }),
    ...capacityFields(t),
  }),
});

/** A point of a region series, with the region's capacity now (capacity is spec, not telemetry). */
export type RegionSample = RegionPoint & { egressCapacityMbps: number };

export const RegionSampleRef = builder.objectRef<RegionSample>('RegionSample').implement({
  description: "One point of a region's (or the nation's) reported streams and egress, from Prometheus.",
  authScopes: STAFF,
  fields: (t) => ({
    at: t.field({ type: 'DateTime', resolve: (s) => s.at }),
    sites: t.int({ description: 'Sites that reported at that time.', resolve: (s) => s.sites }),
    activeStreams: t.exposeInt('activeStreams'),
    egressMbps: t.exposeFloat('egressMbps'),
    egressCapacityMbps: t.float({
      description: "The region's egress capacity now (its sites' budgets, decommissioned excluded).",
      resolve: (s) => s.egressCapacityMbps,
    }),
  }),
});
