/**
 * From a file's sections to candidates: each entry measured within the per-entry expansion
 * limits before anything walks it (defaults merge, structuredClone, the schema check), then
 * merged with its section's defaults. Also the count of entries across files, refused whole when
 * it is over the limit, so a file of a million tiny entries costs a count, not a million checks.
 */
import { type Cap, excessPath, isOver, type Measure } from './expanded-size.ts';
import { INVENTORY_LIMITS } from './limits.ts';
import type { SourceFile } from './locate.ts';
import { mergeDefaults } from './merge.ts';
import type { ProblemSink } from './problem-sink.ts';
import type { ReadFile } from './read-file.ts';
import type { Section } from './sections.ts';
import { SECTIONS } from './sections.ts';

export interface Candidate {
  section: Section;
  source: SourceFile;
  keys: (string | number)[];
  name: unknown;
  labels: unknown;
  spec: Record<string, unknown>;
}

const ENTRY_CAP: Cap = { nodes: INVENTORY_LIMITS.entryNodes, chars: INVENTORY_LIMITS.entryChars };

function isMapping(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function valueAt(value: unknown, path: readonly (string | number)[]): unknown {
  let node = value;
  for (const key of path) {
    node = (node as Record<string | number, unknown>)[key];
  }
  return node;
}

function excessMessage(what: string, at: Measure): string {
  if (at.nodes === Number.POSITIVE_INFINITY) {
    return 'this alias refers to a value that contains it; an inventory cannot be cyclic';
  }
  if (at.nodes > ENTRY_CAP.nodes) {
    return `with its aliases expanded ${what} more than ${ENTRY_CAP.nodes} nodes, the most one entry may (every key, value and list item counts each time it appears)`;
  }
  return `with its aliases expanded ${what} more than ${ENTRY_CAP.chars} characters of text, the most one entry may`;
}

/**
 * True when `value` (an entry, or a section's defaults) fits the per-entry limits; otherwise
 * reports where it outgrows them, at the alias (or cycle) that does it, and returns false.
 */
function fitsEntryLimits(
  file: ReadFile,
  keys: (string | number)[],
  what: string,
  sink: ProblemSink,
): boolean {
  const value = valueAt(file.body, keys);
  const measure = (isMapping(value) && file.sizes.known(value)) || file.sizes.measure(value, ENTRY_CAP);
  if (!isOver(measure, ENTRY_CAP)) {
    return true;
  }
  const below = excessPath(value, ENTRY_CAP, file.sizes);
  const at = file.sizes.measure(valueAt(value, below), ENTRY_CAP);
  sink.add(file.source, [...keys, ...below], excessMessage(what, at), { pathAsLocated: true });
  return false;
}

/** The defaults of each section that fit the limits (a section whose defaults do not is skipped). */
function usableDefaults(file: ReadFile, sink: ProblemSink): Map<string, unknown> | undefined {
  const defaults = file.body.defaults;
  const usable = new Map<string, unknown>();
  if (!isMapping(defaults)) {
    return usable;
  }
  let ok = true;
  for (const section of SECTIONS) {
    if (defaults[section.key] === undefined) {
      continue;
    }
    if (fitsEntryLimits(file, ['defaults', section.key], 'these defaults hold', sink)) {
      usable.set(section.key, defaults[section.key]);
    } else {
      ok = false;
    }
  }
  return ok ? usable : undefined;
}

function collectSection(
  file: ReadFile,
  section: Section,
  defaults: ReadonlyMap<string, unknown>,
  sink: ProblemSink,
  into: Candidate[],
): void {
  const { source } = file;
  const list = file.body[section.key];
  if (list === undefined || list === null) {
    return;
  }
  if (!Array.isArray(list)) {
    sink.add(source, [section.key], 'must be a list of entries');
    return;
  }
  for (let i = 0; i < list.length && !sink.full; i++) {
    const entry: unknown = list[i];
    const keys = [section.key, i];
    if (!isMapping(entry)) {
      sink.add(source, keys, 'must be a mapping with a name and the spec fields');
    } else if (fitsEntryLimits(file, keys, 'this entry holds', sink)) {
      const { name, labels, ...fields } = entry;
      const spec = mergeDefaults(defaults.get(section.key), fields);
      into.push({ section, source, keys, name, labels, spec });
    }
  }
}

export function collectCandidates(file: ReadFile, sink: ProblemSink, into: Candidate[]): void {
  const defaults = usableDefaults(file, sink);
  if (!defaults) {
    return; // entries checked without the defaults meant for them would only add noise
  }
  for (const section of SECTIONS) {
    collectSection(file, section, defaults, sink, into);
  }
}

/**
 * Refuses an inventory with more entries than the limit, at the first entry past it; true when
 * it did (nothing else is checked then).
 */
export function tooManyEntries(files: readonly ReadFile[], sink: ProblemSink): boolean {
  let total = 0;
  for (const file of files) {
    for (const section of SECTIONS) {
      const list = file.body[section.key];
      const count = Array.isArray(list) ? list.length : 0;
      if (total + count > INVENTORY_LIMITS.entries) {
        sink.add(
          file.source,
          [section.key, INVENTORY_LIMITS.entries - total],
          `the inventory has more than ${INVENTORY_LIMITS.entries} entries, the most one inventory may; this is the first past the limit`,
        );
        return true;
      }
      total += count;
    }
  }
  return false;
}
