/**
 * Writes a custom object's status through the status subresource, only when it changed.
 * A replace carries the resourceVersion read, so a write based on a stale read fails with a
 * conflict (409) instead of overwriting; the controller then retries on fresh state.
 */
import type { HubClient } from '@smart-fleet/hub';
import { API_GROUP, API_VERSION, canonicalJson, type KindDefinition } from '@smart-fleet/model';

export interface StatusObject {
  metadata: { name: string; namespace?: string; resourceVersion?: string };
  status?: unknown;
}

/** True if a write was made. */
export async function writeStatus<T extends StatusObject>(
  client: HubClient,
  kind: KindDefinition,
  object: T,
  status: unknown,
): Promise<boolean> {
  if (canonicalJson(object.status ?? {}) === canonicalJson(status)) {
    return false;
  }
  await client.custom.replaceNamespacedCustomObjectStatus({
    group: API_GROUP,
    version: API_VERSION,
    plural: kind.plural,
    namespace: object.metadata.namespace ?? '',
    name: object.metadata.name,
    body: { ...object, status },
  });
  return true;
}
