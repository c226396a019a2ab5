/** What already exists in a hub namespace that inventory entries may refer to. */
import type { KubernetesObject } from '@kubernetes/client-node';
import { ALL_KINDS, API_GROUP, API_VERSION, type FleetReferences } from '@smart-fleet/model';
import { apiStatusCode, type HubClient } from './kube-client.ts';

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
  namespace: string,
  pageSize = 500,
): Promise<FleetResource[]> {
  const plural = ALL_KINDS.find((k) => k.kind === kind)?.plural;
  if (!plural) {
    throw new Error(`${kind} is not a fleet kind`);
  }
  const items: FleetResource[] = [];
  let token: string | undefined;
  do {
    const page = (await client.custom.listNamespacedCustomObject({
      group: API_GROUP,
      version: API_VERSION,
      namespace,
      plural,
      limit: pageSize,
      _continue: token,
    })) as { items: FleetResource[]; metadata?: { continue?: string } };
    items.push(...page.items);
    token = page.metadata?.continue || undefined;
  } while (token);
  return items;
}

export async function hubReferences(client: HubClient, namespace: string): Promise<FleetReferences> {
  const [clusters, tenants, releases] = await Promise.all(
    ['WideAreaCluster', 'Tenant', 'SiteRelease'].map((kind) =>
      listAll(client, kind, namespace).catch((error: unknown) => {
        if (apiStatusCode(error) === 404) {
          return [];
        }
        throw error;
      }),
    ),
  );
  return {
    clusters: new Map(
      (clusters ?? []).map((c) => [c.metadata?.name ?? '', { regions: (c.spec?.regions as string[]) ?? [] }]),
    ),
    tenants: new Set((tenants ?? []).map((t) => t.metadata?.name ?? '')),
    releases: new Set((releases ?? []).map((r) => r.metadata?.name ?? '')),
  };
}
