/**
 * Finalizers on fleet objects: a controller that must clean up before an object goes (revoke a
 * site's credentials) holds a finalizer on it and removes it when done. JSON patches with a
 * `test` step, so a concurrent change to the list fails the patch instead of being overwritten.
 */

import type { KindDefinition } from '@smart-fleet/model';
import type { KubeClient } from './client.ts';
import { objectRef } from './object-ref.ts';

export interface Finalizable {
  metadata: { name: string; namespace?: string; finalizers?: string[] };
}

function patch(
  client: KubeClient,
  kind: KindDefinition,
  object: Finalizable,
  body: object[],
): Promise<unknown> {
  return client.custom.patchNamespacedCustomObject({ ...objectRef(kind, object), body });
}

export async function addFinalizer(
  client: KubeClient,
  kind: KindDefinition,
  object: Finalizable,
  finalizer: string,
) {
  const list = object.metadata.finalizers;
  if (list?.includes(finalizer)) {
    return;
  }
  await patch(
    client,
    kind,
    object,
    list
      ? [{ op: 'add', path: '/metadata/finalizers/-', value: finalizer }]
      : [{ op: 'add', path: '/metadata/finalizers', value: [finalizer] }],
  );
}

export async function removeFinalizer(
  client: KubeClient,
  kind: KindDefinition,
  object: Finalizable,
  finalizer: string,
) {
  const index = object.metadata.finalizers?.indexOf(finalizer) ?? -1;
  if (index === -1) {
    return;
  }
  await patch(client, kind, object, [
    { op: 'test', path: `/metadata/finalizers/${index}`, value: finalizer },
    { op: 'remove', path: `/metadata/finalizers/${index}` },
  ]);
}
