/**
 * Reads inventory files and turns them into hub objects, all or nothing: every file is parsed
 * and every entry validated (schema, rules, references) before anything is returned, and any
 * problem, located by file, line and field, means no objects at all.
 *
 * Input is bounded at each step before it is used (see limits.ts and docs/inventory.md): file
 * sizes before parsing, aliases while parsing (bounded-load.ts), the entry count and each
 * entry's expanded size before defaults are merged or anything walks it, and the number of
 * problems reported.
 */
import { DEFAULT_NAMESPACE } from '../common.ts';
import type { FleetReferences } from '../validation/reference-rules.ts';
import { checkCandidate, checkDuplicates, referencesOf } from './candidate-checks.ts';
import type { FleetObject, InventoryProblem } from './document.ts';
import { type Candidate, collectCandidates, MergeBudget, tooManyEntries } from './entries.ts';
import { sizeProblems, utf8Bytes } from './limits.ts';
import { ProblemSink } from './problem-sink.ts';
import { checkHeader, type InventoryInput, namespaceOf, type ReadFile, readSource } from './read-file.ts';
import { SECTIONS } from './sections.ts';

export type { InventoryInput } from './read-file.ts';

export interface ParseOptions {
  /**
   * Objects already in the hub that inventory entries may refer to: fixed, or by namespace
   * (the inventory's namespace is known only once its files are read).
   */
  existing?: FleetReferences | ((namespace: string) => FleetReferences);
}

export interface ParsedInventory {
  namespace: string;
  /** In apply order: tenants, clusters, sites, releases, rollouts. */
  objects: FleetObject[];
}

export type ParseResult = { inventory?: ParsedInventory; problems: InventoryProblem[] };

function readAll(inputs: readonly InventoryInput[], sink: ProblemSink): ReadFile[] {
  const files: ReadFile[] = [];
  for (const input of inputs) {
    const read = readSource(input, sink);
    if (read) {
      checkHeader(read, sink);
      files.push(read);
    }
  }
  return files;
}

function checkAll(
  candidates: readonly Candidate[],
  refs: FleetReferences,
  namespace: string,
  sink: ProblemSink,
) {
  const objects: FleetObject[] = [];
  for (const c of candidates) {
    if (sink.full) {
      break;
    }
    const object = checkCandidate(c, refs, namespace, sink);
    if (object) {
      objects.push(object);
    }
  }
  return objects;
}

export function parseInventory(inputs: readonly InventoryInput[], options: ParseOptions = {}): ParseResult {
  const tooBig = sizeProblems(inputs.map(({ file, text }) => ({ file, bytes: utf8Bytes(text) })));
  if (tooBig.length > 0) {
    return { problems: tooBig };
  }
  const sink = new ProblemSink();
  const files = readAll(inputs, sink);
  const namespace = namespaceOf(files, DEFAULT_NAMESPACE, sink);
  if (tooManyEntries(files, sink)) {
    return { problems: sink.problems };
  }
  const candidates: Candidate[] = [];
  const budget = new MergeBudget();
  for (const file of files) {
    if (!collectCandidates(file, budget, sink, candidates)) {
      break;
    }
  }
  checkDuplicates(candidates, sink);
  const existing = typeof options.existing === 'function' ? options.existing(namespace) : options.existing;
  const objects = checkAll(candidates, referencesOf(candidates, existing), namespace, sink);
  if (sink.problems.length > 0) {
    return { problems: sink.problems };
  }
  const order = (o: FleetObject) => SECTIONS.findIndex((s) => s.kind.kind === o.kind);
  return { inventory: { namespace, objects: objects.sort((a, b) => order(a) - order(b)) }, problems: [] };
}
