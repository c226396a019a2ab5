/**
 * Paged lists of fleet objects, read from etcd. Every package that must see a write it just made
 * (the inventory apply, the hub references, the API's writes, tests) lists through here.
 */
import type { KubernetesObject } from '@kubernetes/client-node';
import { API_GROUP, API_VERSION, kindNamed } from '@smart-fleet/model';
import type { KubeClient } from './client.ts';

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
  client: KubeClient,
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
