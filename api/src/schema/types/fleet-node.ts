/**
 * A fleet kind as a Relay node: id `namespace/name`, loaded from the view, spec and status
 * types generated from the model, plus whatever fields join it to the rest of the fleet.
 */
import type { TSchema } from '@smart-fleet/model';
import type { ApiContext } from '../../context.ts';
import type { ViewKind } from '../../view/fleet-view.ts';
import { builder } from '../builder.ts';
import { modelObjectType } from '../model-types.ts';
import { type Meta, metaFields } from './common.ts';
import { STAFF_ONLY_FIELDS } from './scopes.ts';

type FieldBuilder = Parameters<Parameters<typeof builder.objectType>[1]['fields'] & object>[0];

export interface FleetNodeOptions<T> {
  kind: ViewKind;
  description: string;
  spec: TSchema;
  status: TSchema;
  /**
   * Whether this caller may see this object: the type's scope check before any of its fields is
   * read, and the loaders' filter (an object the caller may not see does not exist for it).
   */
  visible: (context: ApiContext, object: T) => boolean;
  fields?: (t: FieldBuilder) => Record<string, unknown>;
}

export const keyOf = (o: Meta) => `${o.metadata.namespace ?? ''}/${o.metadata.name}`;

/** `ref` is one of refs.ts; T its shape (given explicitly: Pothos refs do not expose it). */
export function fleetNode<T extends Meta & { spec: unknown; status?: unknown }>(
  ref: object,
  options: FleetNodeOptions<T>,
): void {
  const specRef = modelObjectType(options.spec, `${options.kind}Spec`, { fieldScopes: STAFF_ONLY_FIELDS });
  const statusRef = modelObjectType(options.status, `${options.kind}Status`, {
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
      authScopes: ((o: T, context: ApiContext) => options.visible(context, o)) as never,
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
