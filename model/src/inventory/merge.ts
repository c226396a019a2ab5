/** Deep merge for inventory defaults: plain objects merge, everything else (arrays too) replaces. */
function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function mergeDefaults(defaults: unknown, entry: Record<string, unknown>): Record<string, unknown> {
  if (!isPlainObject(defaults)) {
    return structuredClone(entry);
  }
  const out: Record<string, unknown> = structuredClone(defaults);
  for (const [key, value] of Object.entries(entry)) {
    const base = out[key];
    out[key] =
      isPlainObject(base) && isPlainObject(value) ? mergeDefaults(base, value) : structuredClone(value);
  }
  return out;
}
