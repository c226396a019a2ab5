/**
 * Status writes, one owner per field (cert-manager's ApplyStatus): each controller declares the
 * status fields and condition types it owns and writes exactly those with server-side apply
 * under its own field manager, so controllers sharing an object never overwrite each other and
 * never conflict on a resourceVersion. A field the owner leaves out of an apply is removed, so
 * every apply carries all of the owner's fields. Nothing is sent when the object (as the
 * informer last saw it) already says what the owner would write.
 */

import { PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { type Condition, canonicalJson, GROUP_VERSION, type KindDefinition } from '@smart-fleet/model';
import type { KubeClient } from './client.ts';
import { objectRef } from './object-ref.ts';

/** What one controller writes in a kind's status. */
export interface StatusOwner {
  /** The field manager, also the controller's name in the object's managedFields. */
  manager: string;
  /** Top-level status fields it owns (`phase`, `lastHeartbeat`, ...), not `conditions`. */
  fields: readonly string[];
  /** Condition types it owns; conditions is a list-map keyed by type, so each has one owner. */
  conditions?: readonly string[];
}

export interface StatusObject {
  metadata: { name: string; namespace?: string };
  status?: object;
}

type Status = Record<string, unknown> & { conditions?: Condition[] };

/** The part of `status` that `owner` owns, conditions ordered by type. */
export function ownedPart(owner: StatusOwner, status: object | undefined): Status {
  const from = (status ?? {}) as Status;
  const part: Status = {};
  for (const field of owner.fields) {
    if (from[field] !== undefined) {
      part[field] = from[field];
    }
  }
  if (owner.conditions) {
    const owned = (from.conditions ?? []).filter((c) => owner.conditions?.includes(c.type));
    part.conditions = owned.sort((a, b) => a.type.localeCompare(b.type));
  }
  return part;
}

/** The fields `status` would set that `owner` does not own (a bug in the caller). */
function foreignFields(owner: StatusOwner, status: Status): string[] {
  const fields = Object.keys(status).filter((k) => k !== 'conditions' && !owner.fields.includes(k));
  const conditions = (status.conditions ?? [])
    .map((c) => c.type)
    .filter((type) => !owner.conditions?.includes(type))
    .map((type) => `conditions[${type}]`);
  return [...fields, ...conditions];
}

/**
 * Applies `owner`'s part of the status; true if a write was made. `status` holds the owner's
 * fields only; `object` is the informer's copy, compared to skip writes that change nothing.
 */
export async function applyStatus(
  client: KubeClient,
  kind: KindDefinition,
  object: StatusObject,
  owner: StatusOwner,
  status: object,
): Promise<boolean> {
  const desired = ownedPart(owner, status);
  const foreign = foreignFields(owner, status as Status);
  if (foreign.length > 0) {
    throw new Error(`${owner.manager} may not write ${kind.kind} status ${foreign.join(', ')}`);
  }
  if (canonicalJson(ownedPart(owner, object.status)) === canonicalJson(desired)) {
    return false;
  }
  const ref = objectRef(kind, object);
  await client.custom.patchNamespacedCustomObjectStatus(
    {
      ...ref,
      body: {
        apiVersion: GROUP_VERSION,
        kind: kind.kind,
        metadata: { name: ref.name, namespace: ref.namespace },
        status: desired,
      },
      fieldManager: owner.manager,
      force: true,
    },
    setHeaderOptions('Content-Type', PatchStrategy.ServerSideApply),
  );
  return true;
}
