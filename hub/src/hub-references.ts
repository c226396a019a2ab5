/** What already exists in a hub namespace that inventory entries may refer to. */
import type { KubernetesObject } from '@kubernetes/client-node';
import { API_GROUP, API_VERSION, type FleetReferences, kindNamed } from '@smart-fleet/model';
import type { HubClient } from './kube-client.ts';

export interface FleetResource extends KubernetesObject {
  spec?: Record<string, unknown>;
}

/**
 * Every object of a kind in a namespace, a page at a time, read from etcd so that a write just
 * made is always seen. (The watch cache, resourceVersion=0, answers 3x faster but may trail by
 * a moment, and 1.20 cannot ask it to catch up to a given version.) Through CustomObjectsApi, whose answer is
 * the raw list: client-node 2.0.1's KubernetesObjectApi.list reads the list's metadata as object
 * metadata and so drops the `continue` token, silently returning only the first page.
 */
export async function listAll(
  client: HubClient,
  kind: string,
  /** All namespaces when absent. */
  namespace?: string,
  pageSize = 500,
): Promise<FleetResource[]> {
  const plural = kindNamed(kind)?.plural;
  if (!plural) {
    throw new Error(`${kind} is not a fleet kind`);
  }
  const where = { group: API_GROUP, version: API_VERSION, plural };
  const page = (token?: string) => {
    const paging = { ...where, limit: pageSize, _continue: token };
    return (
      namespace === undefined
        ? client.custom.listClusterCustomObject(paging)
        : client.custom.listNamespacedCustomObject({ ...paging, namespace })
    ) as Promise<{ items: FleetResource[]; metadata?: { continue?: string } }>;
  };
  const items: FleetResource[] = [];
  let token: string | undefined;
  do {
    const list = await page(token);
    items.push(...list.items);
    token = list.metadata?.continue || undefined;
  } while (token);
  return items;
}

const NO_REFERENCES: FleetReferences = { clusters: new Map(), tenants: new Set(), releases: new Set() };

/**
 * What exists in the hub that inventories may refer to, by namespace: one cluster-wide list of
 * each (small) kind, so an inventory is parsed once whatever namespace it declares.
 */
export async function hubReferences(client: HubClient): Promise<(namespace: string) => FleetReferences> {
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
