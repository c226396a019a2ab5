/**
 * GraphQL names for the fleet model's shapes, taken from the model's own exports: the object
 * schema exported as `Location` becomes the GraphQL type `Location`, and the value list
 * exported as `SITE_PHASES` becomes the enum `SitePhase`. Shapes the model does not name get a
 * name from where they sit (`RolloutWaveState`). Nothing here restates a field.
 */
import * as model from '@smart-fleet/model';

function isObjectSchema(value: unknown): value is { type: 'object'; properties: object } {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { type?: unknown }).type === 'object' &&
    typeof (value as { properties?: unknown }).properties === 'object'
  );
}

function isValueList(value: unknown): value is readonly string[] {
  return Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'string');
}

/** `SITE_PHASES` -> `SitePhase`, `REGION_CODES` -> `RegionCode`. */
export function enumNameOf(constant: string): string {
  const words = constant.toLowerCase().split('_');
  const last = words.length - 1;
  words[last] = words[last]?.replace(/([^s])s$/, '$1') ?? '';
  return words.map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('');
}

const OBJECT_NAMES = new Map<object, string>();
const ENUM_NAMES = new Map<string, string>();

for (const [exported, value] of Object.entries(model)) {
  if (isObjectSchema(value) && /^[A-Z]/.test(exported)) {
    OBJECT_NAMES.set(value, exported);
  } else if (isValueList(value) && /^[A-Z][A-Z0-9_]*$/.test(exported)) {
    ENUM_NAMES.set(value.join('|'), enumNameOf(exported));
  }
}

/** The model's name for this object schema, if it exports one. */
export function modelObjectName(schema: object): string | undefined {
  return OBJECT_NAMES.get(schema);
}

/** The model's name for an enum with exactly these values, if it exports one. */
export function modelEnumName(values: readonly string[]): string | undefined {
  return ENUM_NAMES.get(values.join('|'));
}

/** A GraphQL enum value for a model value: `north-gyeongsang` -> `NORTH_GYEONGSANG`, `H.264` -> `H_264`. */
export function enumValueName(value: string): string {
  const name = value
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .replace(/^_|_$/g, '')
    .toUpperCase();
  return /^[0-9]/.test(name) ? `_${name}` : name;
}

export const pascal = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** `waves` -> `Wave`, `streamPlan` -> `StreamPlan`: the name of one element of a list field. */
export function singular(field: string): string {
  return pascal(field.replace(/([^s])s$/, '$1'));
}
