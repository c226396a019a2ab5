/**
 * Turns a kind's TypeBox schemas into an apiextensions.k8s.io/v1 CustomResourceDefinition with
 * a structural schema. The conversion is mechanical: drop what the API server does not accept
 * (`additionalProperties: false`, `$id`), keep every constraint it does (ranges, enums,
 * patterns, required fields, list types).
 */
import { createHash } from 'node:crypto';
import { API_GROUP, API_VERSION, CATEGORY } from './common.ts';
import type { KindDefinition } from './kind.ts';

type JsonSchema = Record<string, unknown>;

/** Annotation on each CRD carrying a hash of its schema, so tools can tell a stale hub. */
export const SCHEMA_HASH_ANNOTATION = `${API_GROUP}/schema-hash`;

/** A field with a default is filled in by the API server, so clients need not send it. */
function requiredWithoutDefaults(schema: JsonSchema): unknown {
  const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
  const required = (schema.required as string[]).filter((name) => properties[name]?.default === undefined);
  return required.length > 0 ? required : undefined;
}

function convertEntry(schema: JsonSchema, key: string, value: unknown): unknown {
  if (key === 'properties') {
    // `properties` maps field names to schemas: convert the schemas, keep the names.
    return Object.fromEntries(Object.entries(value as JsonSchema).map(([k, v]) => [k, toStructural(v)]));
  }
  return key === 'required' ? requiredWithoutDefaults(schema) : toStructural(value);
}

function toStructural(schema: unknown): unknown {
  if (Array.isArray(schema)) {
    return schema.map(toStructural);
  }
  if (typeof schema !== 'object' || schema === null) {
    return schema;
  }
  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(schema)) {
    const dropped = key === '$id' || (key === 'additionalProperties' && value === false);
    const converted = dropped ? undefined : convertEntry(schema as JsonSchema, key, value);
    if (converted !== undefined) {
      out[key] = converted;
    }
  }
  return out;
}

/** A JSON copy drops TypeBox's symbol-keyed metadata, leaving plain JSON Schema. */
export function structuralSchema(schema: unknown): JsonSchema {
  return toStructural(JSON.parse(JSON.stringify(schema))) as JsonSchema;
}

export interface CustomResourceDefinition {
  apiVersion: 'apiextensions.k8s.io/v1';
  kind: 'CustomResourceDefinition';
  metadata: { name: string; labels: Record<string, string>; annotations: Record<string, string> };
  spec: JsonSchema;
}

export function crdName(kind: KindDefinition): string {
  return `${kind.plural}.${API_GROUP}`;
}

export function buildCrd(kind: KindDefinition): CustomResourceDefinition {
  const openAPIV3Schema = {
    type: 'object',
    description: kind.description,
    required: ['spec'],
    properties: {
      apiVersion: { type: 'string' },
      kind: { type: 'string' },
      metadata: { type: 'object' },
      spec: structuralSchema(kind.spec),
      status: structuralSchema(kind.status),
    },
  };
  const hash = createHash('sha256').update(JSON.stringify(openAPIV3Schema)).digest('hex').slice(0, 16);
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: {
      name: crdName(kind),
      labels: { 'app.kubernetes.io/part-of': 'smart-fleet' },
      annotations: { [SCHEMA_HASH_ANNOTATION]: hash },
    },
    spec: {
      group: API_GROUP,
      scope: kind.scope,
      names: {
        kind: kind.kind,
        listKind: `${kind.kind}List`,
        plural: kind.plural,
        singular: kind.singular,
        shortNames: kind.shortNames,
        categories: [CATEGORY],
      },
      versions: [
        {
          name: API_VERSION,
          served: true,
          storage: true,
          schema: { openAPIV3Schema },
          subresources: { status: {} },
          additionalPrinterColumns: kind.printerColumns,
        },
      ],
    },
  };
}
