/**
 * A fleet kind as a Relay node: id `namespace/name`, loaded from the view, spec and status
 * types generated from the model, plus whatever fields join it to the rest of the fleet.
 */
import type { TSchema } from '@smart-fleet/model';
import type { ApiContext } from '../../context.ts';
import type { ViewKind } from '../../view/fleet-view.ts';
import { builder } from '../builder.ts';
import { modelObjectType, type TypeScopes } from '../model-types.ts';
import { type Meta, metaFields } from './common.ts';
import { STAFF_ONLY_FIELDS } from './scopes.ts';

type FieldBuilder = Parameters<Parameters<typeof builder.objectType>[1]['fields'] & object>[0];

export interface FleetNodeOptions<T> {
  kind: ViewKind;
  description: string;
  spec: TSchema;
  status: TSchema;
  /** Scopes for the object itself (may depend on it, e.g. its tenant). */
  authScopes: TypeScopes | ((object: T, context: ApiContext) => TypeScopes);
  /** Scopes for the generated spec/status types, reachable only through this object. */
  treeScopes: TypeScopes;
  /** Whether this caller may load this object by id at all (otherwise: no such object). */
  visible: (context: ApiContext, object: T) => boolean;
  fields?: (t: FieldBuilder) => Record<string, unknown>;
}

export const keyOf = (o: Meta) => `${o.metadata.namespace ?? ''}/${o.metadata.name}`;

/** `ref` is one of refs.ts; T its shape (given explicitly: Pothos refs do not expose it). */
export function fleetNode<T extends Meta & { spec: unknown; status?: unknown }>(
  ref: object,
  options: FleetNodeOptions<T>,
): void {
  const specRef = modelObjectType(options.spec, `${options.kind}Spec`, {
    authScopes: options.treeScopes,
    fieldScopes: STAFF_ONLY_FIELDS,
  });
  const statusRef = modelObjectType(options.status, `${options.kind}Status`, {
    authScopes: options.treeScopes,
    fieldScopes: STAFF_ONLY_FIELDS,
  });
  builder.node(
    ref as never,
    {
      description: options.description,
      id: { resolve: (o: T) => keyOf(o) },
      loadOne: (key: string, context: ApiContext) => {
        const [namespace = '', name = ''] = key.split('/');
        const found = context.view.get<T>(options.kind, namespace, name);
        return found && options.visible(context, found) ? found : null;
      },
      authScopes: options.authScopes as never,
      fields: (t: FieldBuilder) => ({
        ...metaFields(t),
        spec: t.field({ type: specRef, resolve: (o) => (o as T).spec as never }),
        status: t.field({
          type: statusRef,
          nullable: true,
          resolve: (o) => ((o as T).status ?? null) as never,
        }),
        ...(options.fields?.(t) ?? {}),
      }),
    } as never,
  );
}
