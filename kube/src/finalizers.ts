/**
 * Finalizers on fleet objects: a controller that must clean up before an object goes (revoke a
 * site's credentials) holds a finalizer on it and removes it when done. Adding is a server-side
 * apply of that one list element under the controller's field manager (finalizers are a set,
 * so each manager owns its own entries): idempotent, never a conflict, however stale the cache.
 * Removing is a JSON patch with a `test` step, so it also takes off an entry another manager
 * (or an older version of this code) added, and a concurrent change fails it instead of being
 * overwritten.
 */
import { GROUP_VERSION, type KindDefinition } from '@smart-fleet/model';
import { type KubeClient, serverSideApply } from './client.ts';
import { objectRef } from './object-ref.ts';

export interface Finalizable {
  metadata: { name: string; namespace?: string; finalizers?: string[] };
}

export async function addFinalizer(
  client: KubeClient,
  kind: KindDefinition,
  object: Finalizable,
  finalizer: { name: string; manager: string },
): Promise<void> {
  if (object.metadata.finalizers?.includes(finalizer.name)) {
    return;
  }
  const { name, namespace } = object.metadata;
  await serverSideApply(
    client,
    {
      apiVersion: GROUP_VERSION,
      kind: kind.kind,
      metadata: { name, namespace, finalizers: [finalizer.name] },
    },
    { fieldManager: finalizer.manager, force: true },
  );
}

export async function removeFinalizer(
  client: KubeClient,
  kind: KindDefinition,
  object: Finalizable,
  finalizer: string,
): Promise<void> {
  const index = object.metadata.finalizers?.indexOf(finalizer) ?? -1;
  if (index === -1) {
    return;
  }
  await client.custom.patchNamespacedCustomObject({
    ...objectRef(kind, object),
    body: [
      { op: 'test', path: `/metadata/finalizers/${index}`, value: finalizer },
      { op: 'remove', path: `/metadata/finalizers/${index}` },
    ],
  });
}
