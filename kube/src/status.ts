/**
 * Writes a custom object's status through the status subresource, only when it changed.
 * A replace carries the resourceVersion read, so a write based on a stale read fails with a
 * conflict (409) instead of overwriting; the controller then retries on fresh state.
 */

import { canonicalJson, type KindDefinition } from '@smart-fleet/model';
import type { KubeClient } from './client.ts';
import { objectRef } from './object-ref.ts';

export interface StatusObject {
  metadata: { name: string; namespace?: string; resourceVersion?: string };
  status?: unknown;
}

/** True if a write was made. */
export async function writeStatus<T extends StatusObject>(
  client: KubeClient,
  kind: KindDefinition,
  object: T,
  status: unknown,
): Promise<boolean> {
  if (canonicalJson(object.status ?? {}) === canonicalJson(status)) {
    return false;
  }
  await client.custom.replaceNamespacedCustomObjectStatus({
    ...objectRef(kind, object),
    body: { ...object, status },
  });
  return true;
}
