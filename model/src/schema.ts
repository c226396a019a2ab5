/**
 * Schema building blocks. Every kind is written once with TypeBox: the same schema gives the
 * TypeScript type (Static<>), the loader's validation (TypeBox's checker) and, converted by
 * crd.ts, the CRD's structural openAPIV3Schema that the API server enforces.
 *
 * Two shapes need custom kinds because TypeBox's defaults are not structural: string enums
 * (TypeBox would emit anyOf/const) and string maps (TypeBox would emit patternProperties).
 */
import {
  FormatRegistry,
  Kind,
  type ObjectOptions,
  type SchemaOptions,
  type Static,
  type TObject,
  type TProperties,
  type TSchema,
  type TUnsafe,
  Type,
  TypeRegistry,
} from '@sinclair/typebox';

export { type Static, type TSchema, Type };

const STRING_ENUM = 'StringEnum';
const STRING_MAP = 'StringMap';

TypeRegistry.Set(STRING_ENUM, (schema: { enum: string[] }, value) => schema.enum.includes(value as string));
TypeRegistry.Set(
  STRING_MAP,
  (_schema, value) =>
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    Object.values(value).every((v) => typeof v === 'string'),
);

const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
if (!FormatRegistry.Has('date-time')) {
  FormatRegistry.Set('date-time', (v) => DATE_TIME.test(v) && !Number.isNaN(Date.parse(v)));
}

/** A string restricted to a fixed list: `{type: string, enum: [...]}` in the CRD. */
export function StringEnum<const T extends readonly string[]>(
  values: T,
  options: SchemaOptions = {},
): TUnsafe<T[number]> {
  return Type.Unsafe<T[number]>({ ...options, [Kind]: STRING_ENUM, type: 'string', enum: [...values] });
}

/** `map[string]string`: labels, settings. */
export function StringMap(options: SchemaOptions = {}): TUnsafe<Record<string, string>> {
  return Type.Unsafe<Record<string, string>>({
    ...options,
    [Kind]: STRING_MAP,
    type: 'object',
    additionalProperties: { type: 'string' },
  });
}

/**
 * An object that refuses unknown fields in the loader (typos like `subscribersCap` are errors,
 * not silently dropped). The CRD conversion removes the flag: the API server prunes instead.
 */
export function Strict<T extends TProperties>(properties: T, options: ObjectOptions = {}): TObject<T> {
  return Type.Object(properties, { additionalProperties: false, ...options });
}

/** A Kubernetes object name (RFC 1123 subdomain, kept to a label's 63 characters). */
export const NAME_PATTERN = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$';
export const ObjectName = (description: string) =>
  Type.String({ pattern: NAME_PATTERN, minLength: 1, maxLength: 63, description });

export const Timestamp = (description: string) => Type.String({ format: 'date-time', description });

export type { TObject };
