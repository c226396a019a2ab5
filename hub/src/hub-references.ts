/** What already exists in a hub namespace that inventory entries may refer to. */
import { type FleetResource, type KubeClient, listAll } from '@smart-fleet/kube';
import type { FleetReferences } from '@smart-fleet/model';

const NO_REFERENCES: FleetReferences = { clusters: new Map(), tenants: new Set(), releases: new Set() };

/**
 * What exists in the hub that inventories may refer to, by namespace: one cluster-wide list of
 * each (small) kind, so an inventory is parsed once whatever namespace it declares.
 */
export async function hubReferences(client: KubeClient): Promise<(namespace: string) => FleetReferences> {
  const [clusters = [], tenants = [], releases = []] = await Promise.all(
    ['WideAreaCluster', 'Tenant', 'SiteRelease'].map((kind) => listAll(client, kind)),
  );
  const byNamespace = new Map<string, FleetReferences>();
  const refsIn = (o: FleetResource) => {
    const ns = o.metadata?.namespace ?? '';
    const refs = byNamespace.get(ns) ?? { clusters: new Map(), tenants: new Set(), releases: new Set() };
    byNamespace.set(ns, refs);
    return refs;
  };
  for (const c of clusters) {
    (refsIn(c).clusters as Map<string, { regions: readonly string[] }>).set(c.metadata?.name ?? '', {
      regions: (c.spec?.regions as string[]) ?? [],
    });
  }
  for (const t of tenants) {
    (refsIn(t).tenants as Set<string>).add(t.metadata?.name ?? '');
  }
  for (const r of releases) {
    (refsIn(r).releases as Set<string>).add(r.metadata?.name ?? '');
  }
  return (namespace) => byNamespace.get(namespace) ?? NO_REFERENCES;
}
