/**
 * GraphQL object and input types generated from the fleet model's TypeBox schemas, so a field
 * added to a kind appears in the API (and its enum values, nullability and descriptions) with
 * no second definition. Integers become Int, numbers Float, RFC 3339 strings DateTime, string
 * maps JSON, string enums GraphQL enums whose values map back to the model's strings.
 */
import type { TSchema } from '@smart-fleet/model';
import { builder } from './builder.ts';
import { enumValueName, modelEnumName, modelObjectName, pascal, singular } from './model-names.ts';

interface JsonSchema {
  type?: string;
  format?: string;
  description?: string;
  enum?: string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  additionalProperties?: unknown;
  default?: unknown;
}

/** Scopes as Pothos takes them on a type or field. */
export type TypeScopes = Parameters<typeof builder.objectType>[1]['authScopes'];

/**
 * Generated types carry no type-level scopes of their own: they are reached only through a
 * field of a fleet object whose type scopes decided already (the schema test checks that no
 * path from a root field avoids one). Checking again on each of a page's thousand nested fields
 * cost more than everything else the request did. Fields narrower than their object (staff-only
 * fields on a partner's site) keep field scopes.
 */
export interface ModelTypeOptions {
  /** `Type.field` -> scopes for fields narrower than their type (staff-only fields). */
  fieldScopes?: Readonly<Record<string, TypeScopes>>;
}

// biome-ignore lint/suspicious/noExplicitAny: refs to types generated at run time have no static shape
type AnyRef = any;

const enums = new Map<string, AnyRef>();
const outputs = new Map<object, AnyRef>();
const inputs = new Map<object, AnyRef>();

function enumRef(schema: JsonSchema, fallbackName: string): AnyRef {
  const values = schema.enum ?? [];
  const key = values.join('|');
  const existing = enums.get(key);
  if (existing) {
    return existing;
  }
  const ref = builder.enumType(modelEnumName(values) ?? fallbackName, {
    values: Object.fromEntries(values.map((v) => [enumValueName(v), { value: v }])),
  });
  enums.set(key, ref);
  return ref;
}

const isMap = (s: JsonSchema) => s.type === 'object' && !s.properties;
const isObject = (s: JsonSchema) => s.type === 'object' && s.properties !== undefined;

/** The GraphQL type for one schema node; `name` is what a nested object or enum is called if the model does not name it. */
function typeOf(schema: JsonSchema, name: string, input: boolean, options: ModelTypeOptions): AnyRef {
  if (schema.enum) {
    return enumRef(schema, name);
  }
  if (schema.type === 'array' && schema.items) {
    return [typeOf(schema.items, name, input, options)];
  }
  if (isMap(schema)) {
    return 'JSON';
  }
  if (isObject(schema)) {
    return input
      ? modelInputType(schema as TSchema, name)
      : modelObjectType(schema as TSchema, name, options);
  }
  if (schema.type === 'integer') {
    return 'Int';
  }
  if (schema.type === 'number') {
    return 'Float';
  }
  if (schema.type === 'boolean') {
    return 'Boolean';
  }
  return schema.format === 'date-time' ? 'DateTime' : 'String';
}

/** A nested shape's name: the model's, else its owner's name (less Spec/Status) and the field's. */
function nestedName(owner: string, field: string, schema: JsonSchema): string {
  const element = schema.type === 'array' && schema.items ? schema.items : schema;
  const named = isObject(element) ? modelObjectName(element) : undefined;
  const base = owner.replace(/(Spec|Status|Input)$/, '');
  return named ?? `${base}${schema.type === 'array' ? singular(field) : pascal(field)}`;
}

export function modelObjectType(schema: TSchema, name: string, options: ModelTypeOptions): AnyRef {
  const existing = outputs.get(schema);
  if (existing) {
    return existing;
  }
  const json = schema as unknown as JsonSchema;
  const typeName = modelObjectName(schema) ?? name;
  const ref = builder.objectRef<Record<string, unknown>>(typeName);
  outputs.set(schema, ref);
  const required = new Set(json.required ?? []);
  ref.implement({
    description: json.description,
    fields: (t) =>
      Object.fromEntries(
        Object.entries(json.properties ?? {}).map(([field, fieldSchema]) => [
          field,
          t.field({
            type: typeOf(fieldSchema, nestedName(typeName, field, fieldSchema), false, options),
            nullable: !required.has(field),
            description: fieldSchema.description,
            authScopes: options.fieldScopes?.[`${typeName}.${field}`] as never,
            resolve: (parent: Record<string, unknown>) => parent[field] as never,
          }),
        ]),
      ),
  });
  return ref;
}

const NO_SCOPES: ModelTypeOptions = {};

/** The input twin of a model object: a field with a default may be left out. */
export function modelInputType(schema: TSchema, name: string): AnyRef {
  const existing = inputs.get(schema);
  if (existing) {
    return existing;
  }
  const json = schema as unknown as JsonSchema;
  const typeName = `${modelObjectName(schema) ?? name.replace(/Input$/, '')}Input`;
  const required = new Set(json.required ?? []);
  const ref = builder.inputRef<Record<string, unknown>>(typeName);
  inputs.set(schema, ref);
  ref.implement({
    description: json.description,
    fields: (t) =>
      Object.fromEntries(
        Object.entries(json.properties ?? {}).map(([field, fieldSchema]) => [
          field,
          t.field({
            type: typeOf(fieldSchema, nestedName(typeName, field, fieldSchema), true, NO_SCOPES),
            required: required.has(field) && fieldSchema.default === undefined,
            description: fieldSchema.description,
          }),
        ]),
      ),
  });
  return ref;
}

/** The GraphQL enum generated for a model value list (for filters and arguments). */
export function modelEnum(values: readonly string[], fallbackName: string): AnyRef {
  return enumRef({ type: 'string', enum: [...values] }, fallbackName);
}

/**
 * GraphQL leaves an omitted optional input out, but a client may also send null: the model's
 * checker wants such fields absent, so nulls are dropped before validation.
 */
export function withoutNulls<T>(value: T): T {
  if (Array.isArray(value)) {
    return value.map(withoutNulls) as T;
  }
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, v]) => v !== null && v !== undefined)
        .map(([k, v]) => [k, withoutNulls(v)]),
    ) as T;
  }
  return value;
}
