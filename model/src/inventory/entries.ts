/**
 * From a file's sections to candidates: each entry measured within the per-entry expansion
 * limits before anything walks it (defaults merge, structuredClone, the schema check), then
 * merged with its section's defaults within what all entries may hold together. Also the count of
 * entries across files, refused whole when it is over the limit, so a file of a million tiny
 * entries costs a count, not a million checks.
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
 * `value`'s measure (an entry, or a section's defaults) when it fits the per-entry limits;
 * otherwise reports where it outgrows them, at the alias (or cycle) that does it.
 */
function measureWithin(
  file: ReadFile,
  keys: (string | number)[],
  what: string,
  sink: ProblemSink,
): Measure | undefined {
  const value = valueAt(file.body, keys);
  const measure = (isMapping(value) && file.sizes.known(value)) || file.sizes.measure(value, ENTRY_CAP);
  if (!isOver(measure, ENTRY_CAP)) {
    return measure;
  }
  const below = excessPath(value, ENTRY_CAP, file.sizes);
  const at = file.sizes.measure(valueAt(value, below), ENTRY_CAP);
  sink.add(file.source, [...keys, ...below], excessMessage(what, at), { pathAsLocated: true });
  return undefined;
}

/**
 * What all entries of an inventory may hold together once each has its section's defaults
 * merged in: the work every later step (clone, schema check, rules) does is in proportion. Each
 * entry is within its own limit and each file within its own, but small defaults under many
 * entries, or many small files, could still add up without end.
 */
export class MergeBudget {
  #nodes = 0;
  #chars = 0;

  /** Takes an entry's share; false (taking nothing) when it would pass the inventory's limit. */
  take(m: Pick<Measure, 'nodes' | 'chars'>): boolean {
    const nodes = this.#nodes + m.nodes;
    const chars = this.#chars + m.chars;
    if (nodes > INVENTORY_LIMITS.totalNodes || chars > INVENTORY_LIMITS.totalChars) {
      return false;
    }
    this.#nodes = nodes;
    this.#chars = chars;
    return true;
  }
}

const BUDGET_SPENT = `with their sections' defaults merged in and aliases expanded, the entries hold more than ${INVENTORY_LIMITS.totalNodes} nodes (or ${INVENTORY_LIMITS.totalChars} characters of text) by this one, the most one inventory may`;

interface Defaults {
  value: unknown;
  measure: Measure;
}

/** The defaults of each section that fit the limits; undefined when any does not. */
function usableDefaults(file: ReadFile, sink: ProblemSink): Map<string, Defaults> | undefined {
  const defaults = file.body.defaults;
  const usable = new Map<string, Defaults>();
  if (!isMapping(defaults)) {
    return usable;
  }
  let ok = true;
  for (const section of SECTIONS) {
    if (defaults[section.key] === undefined) {
      continue;
    }
    const measure = measureWithin(file, ['defaults', section.key], 'these defaults hold', sink);
    if (measure) {
      usable.set(section.key, { value: defaults[section.key], measure });
    } else {
      ok = false;
    }
  }
  return ok ? usable : undefined;
}

interface Collecting {
  file: ReadFile;
  defaults: ReadonlyMap<string, Defaults>;
  budget: MergeBudget;
  sink: ProblemSink;
  into: Candidate[];
}

/** One entry into a candidate; false when the budget is spent and collecting must stop. */
function collectEntry(c: Collecting, section: Section, i: number, entry: unknown): boolean {
  const { file, sink } = c;
  const keys = [section.key, i];
  if (!isMapping(entry)) {
    sink.add(file.source, keys, 'must be a mapping with a name and the spec fields');
    return true;
  }
  const measure = measureWithin(file, keys, 'this entry holds', sink);
  if (!measure) {
    return true;
  }
  const defaults = c.defaults.get(section.key);
  const merged = {
    nodes: measure.nodes + (defaults?.measure.nodes ?? 0),
    chars: measure.chars + (defaults?.measure.chars ?? 0),
  };
  if (!c.budget.take(merged)) {
    sink.add(file.source, keys, BUDGET_SPENT);
    return false;
  }
  const { name, labels, ...fields } = entry;
  const spec = mergeDefaults(defaults?.value, fields);
  c.into.push({ section, source: file.source, keys, name, labels, spec });
  return true;
}

/** One section's entries; false when the budget is spent and collecting must stop. */
function collectSection(c: Collecting, section: Section): boolean {
  const list = c.file.body[section.key];
  if (list === undefined || list === null) {
    return true;
  }
  if (!Array.isArray(list)) {
    c.sink.add(c.file.source, [section.key], 'must be a list of entries');
    return true;
  }
  for (let i = 0; i < list.length && !c.sink.full; i++) {
    if (!collectEntry(c, section, i, list[i])) {
      return false;
    }
  }
  return true;
}

/** A file's entries into candidates; false when the budget is spent and collecting must stop. */
export function collectCandidates(
  file: ReadFile,
  budget: MergeBudget,
  sink: ProblemSink,
  into: Candidate[],
): boolean {
  const defaults = usableDefaults(file, sink);
  if (!defaults) {
    return true; // entries checked without the defaults meant for them would only add noise
  }
  const c: Collecting = { file, defaults, budget, sink, into };
  return SECTIONS.every((section) => collectSection(c, section));
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
