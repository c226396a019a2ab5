/** The CustomObjectsApi address of a fleet object: group, version, plural, namespace, name. */
import { API_GROUP, API_VERSION, type KindDefinition } from '@smart-fleet/model';

export function objectRef(kind: KindDefinition, object: { metadata: { name: string; namespace?: string } }) {
  return {
    group: API_GROUP,
    version: API_VERSION,
    plural: kind.plural,
    namespace: object.metadata.namespace ?? '',
    name: object.metadata.name,
  };
}
