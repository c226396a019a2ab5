/**
 * What a fleet stack reports about its inventory: objects per kind, sites per region and per
 * site kind. Plain numbers computed from the parsed inventory, not from Pulumi Outputs, so a
 * 21,000-site fleet costs one pass over an array, not 21,000 Output chains.
 */
import type { FleetObject } from '@smart-fleet/model';

export interface FleetSummary {
  /** Objects declared per kind, in the inventory's apply order (Tenant, WideAreaCluster, ...). */
  objects: Record<string, number>;
  sitesPerRegion: Record<string, number>;
  sitesPerKind: Record<string, number>;
}

const bump = (counts: Record<string, number>, key: string) => {
  counts[key] = (counts[key] ?? 0) + 1;
};

const sorted = (counts: Record<string, number>): Record<string, number> =>
  Object.fromEntries(Object.entries(counts).sort(([a], [b]) => a.localeCompare(b)));

export function summarizeFleet(objects: readonly FleetObject[]): FleetSummary {
  const summary: FleetSummary = { objects: {}, sitesPerRegion: {}, sitesPerKind: {} };
  for (const o of objects) {
    bump(summary.objects, o.kind);
    if (o.kind === 'Site') {
      const location = o.spec.location as { region: string };
      bump(summary.sitesPerRegion, location.region);
      bump(summary.sitesPerKind, String(o.spec.kind));
    }
  }
  return {
    objects: summary.objects,
    sitesPerRegion: sorted(summary.sitesPerRegion),
    sitesPerKind: sorted(summary.sitesPerKind),
  };
}
