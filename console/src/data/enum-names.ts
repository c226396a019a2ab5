/**
 * The API names enum values GraphQL-style (`APARTMENT_COMPLEX`, `READY`, `SEOUL`) where the
 * model spells them `apartment-complex`, `Ready`, `seoul`; the fleet summary's counts carry the
 * model's spelling. The console speaks the GraphQL names throughout and converts with the rule
 * the API's schema uses (api/src/schema/model-names.ts, enumValueName); a test holds the two
 * to the same answers over every enum in api/schema.graphql.
 */
export function graphqlEnumName(modelValue: string): string {
  const name = modelValue
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .replace(/^_|_$/g, '')
    .toUpperCase();
  return /^[0-9]/.test(name) ? `_${name}` : name;
}

/** `SEOUL` -> `seoul`, `APARTMENT_COMPLEX` -> `apartment-complex`: for arguments typed String. */
export function modelCodeOf(enumName: string): string {
  return enumName.toLowerCase().replace(/_/g, '-');
}
