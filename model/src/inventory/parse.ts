/**
 * Reads inventory files and turns them into hub objects, all or nothing: every file is parsed
 * and every entry validated (schema, rules, references) before anything is returned, and any
 * problem, located by file, line and field, means no objects at all.
 */
import { CORE_SCHEMA, load, YAMLException } from 'js-yaml';
import { DEFAULT_NAMESPACE, GROUP_VERSION, LABELS } from '../common.ts';
import { withDefaults } from '../validation/defaults.ts';
import type { Problem } from '../validation/problem.ts';
import type { FleetReferences } from '../validation/reference-rules.ts';
import { validateName, validateSpec } from '../validation/validate.ts';
import {
  type FleetObject,
  INVENTORY_API_VERSION,
  INVENTORY_KIND,
  INVENTORY_MANAGER,
  type InventoryProblem,
} from './document.ts';
import { displayPath, locate, type SourceFile, specPathToKeys } from './locate.ts';
import { mergeDefaults } from './merge.ts';
import { SECTION_KEYS, SECTIONS, type Section } from './sections.ts';

export interface InventoryInput {
  file: string;
  text: string;
}

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

interface Candidate {
  section: Section;
  source: SourceFile;
  keys: (string | number)[];
  name: unknown;
  labels: unknown;
  spec: Record<string, unknown>;
}

const TOP_LEVEL_KEYS = new Set(['apiVersion', 'kind', 'namespace', 'defaults', ...SECTION_KEYS]);

class ProblemSink {
  readonly problems: InventoryProblem[] = [];
  add(source: SourceFile, keys: readonly (string | number)[], message: string, object?: string): void {
    const { line, column } = locate(source, keys);
    this.problems.push({
      file: source.file,
      line,
      column,
      path: displayPath(keys) || '(document)',
      object,
      message,
    });
  }
}

interface ReadFile {
  source: SourceFile;
  body: Record<string, unknown>;
}

function readSource(input: InventoryInput, sink: ProblemSink): ReadFile | undefined {
  const source: SourceFile = { file: input.file, text: input.text };
  let body: unknown;
  try {
    body = load(input.text, { filename: input.file, schema: CORE_SCHEMA });
  } catch (error) {
    if (!(error instanceof YAMLException)) {
      throw error;
    }
    const { line, column } = error.mark ?? { line: 0, column: 0 };
    const path = '(yaml)';
    sink.problems.push({ file: input.file, line: line + 1, column: column + 1, path, message: error.reason });
    return undefined;
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    sink.add(
      source,
      [],
      `expected a mapping with apiVersion: ${INVENTORY_API_VERSION} and kind: ${INVENTORY_KIND}`,
    );
    return undefined;
  }
  return { source, body: body as Record<string, unknown> };
}

function checkHeader(source: SourceFile, body: Record<string, unknown>, sink: ProblemSink): void {
  if (body.apiVersion !== INVENTORY_API_VERSION) {
    sink.add(
      source,
      ['apiVersion'],
      `must be ${INVENTORY_API_VERSION}, not ${JSON.stringify(body.apiVersion)}`,
    );
  }
  if (body.kind !== INVENTORY_KIND) {
    sink.add(source, ['kind'], `must be ${INVENTORY_KIND}, not ${JSON.stringify(body.kind)}`);
  }
  for (const key of Object.keys(body)) {
    if (!TOP_LEVEL_KEYS.has(key)) {
      sink.add(source, [key], `unknown section (known: ${[...TOP_LEVEL_KEYS].join(', ')})`);
    }
  }
  if (body.namespace !== undefined) {
    for (const p of validateName(body.namespace, 'namespace')) {
      sink.add(source, ['namespace'], p.message);
    }
  }
}

function collectCandidates(
  source: SourceFile,
  body: Record<string, unknown>,
  sink: ProblemSink,
): Candidate[] {
  const defaults = (body.defaults ?? {}) as Record<string, unknown>;
  const candidates: Candidate[] = [];
  for (const section of SECTIONS) {
    const list = body[section.key];
    if (list === undefined || list === null) {
      continue;
    }
    if (!Array.isArray(list)) {
      sink.add(source, [section.key], 'must be a list of entries');
      continue;
    }
    list.forEach((entry, i) => {
      const keys = [section.key, i];
      if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
        sink.add(source, keys, 'must be a mapping with a name and the spec fields');
        return;
      }
      const { name, labels, ...fields } = entry as Record<string, unknown>;
      const spec = mergeDefaults(defaults[section.key], fields);
      candidates.push({ section, source, keys, name, labels, spec });
    });
  }
  return candidates;
}

function namesOf(candidates: readonly Candidate[], kind: string): string[] {
  return candidates
    .filter((c) => c.section.kind.kind === kind && typeof c.name === 'string')
    .map((c) => c.name as string);
}

function referencesOf(candidates: readonly Candidate[], existing?: FleetReferences): FleetReferences {
  const clusters = new Map(existing?.clusters ?? []);
  for (const c of candidates) {
    if (c.section.kind.kind === 'WideAreaCluster' && typeof c.name === 'string') {
      clusters.set(c.name, { regions: Array.isArray(c.spec.regions) ? (c.spec.regions as string[]) : [] });
    }
  }
  return {
    clusters,
    tenants: new Set([...(existing?.tenants ?? []), ...namesOf(candidates, 'Tenant')]),
    releases: new Set([...(existing?.releases ?? []), ...namesOf(candidates, 'SiteRelease')]),
  };
}

function labelProblems(labels: unknown): Problem[] {
  if (labels === undefined) {
    return [];
  }
  const ok =
    typeof labels === 'object' &&
    labels !== null &&
    !Array.isArray(labels) &&
    Object.values(labels).every((v) => typeof v === 'string');
  return ok ? [] : [{ path: 'labels', message: 'must map label keys to string values' }];
}

function problemKeys(c: Candidate, path: string): (string | number)[] {
  if (path === 'metadata.name') {
    return [...c.keys, 'name'];
  }
  return [...c.keys, ...specPathToKeys(path)];
}

function toObject(c: Candidate, namespace: string, spec: Record<string, unknown>): FleetObject {
  return {
    apiVersion: GROUP_VERSION,
    kind: c.section.kind.kind,
    metadata: {
      name: c.name as string,
      namespace,
      labels: {
        ...((c.labels as Record<string, string> | undefined) ?? {}),
        ...(c.section.labels?.(spec as never) ?? {}),
        [LABELS.managedBy]: INVENTORY_MANAGER,
      },
    },
    spec,
  };
}

function checkCandidate(c: Candidate, refs: FleetReferences, namespace: string, sink: ProblemSink) {
  const objectName = `${c.section.kind.kind} ${typeof c.name === 'string' ? c.name : '(unnamed)'}`;
  const expanded = c.section.expand?.(c.spec) ?? [];
  const spec = withDefaults(c.section.kind, c.spec);
  const problems = [
    ...validateName(c.name),
    ...labelProblems(c.labels),
    ...expanded,
    ...(expanded.length === 0 ? validateSpec(c.section.kind, spec, refs) : []),
  ];
  for (const p of problems) {
    sink.add(c.source, problemKeys(c, p.path), p.message, objectName);
  }
  return problems.length === 0 ? toObject(c, namespace, spec) : undefined;
}

function checkDuplicates(candidates: readonly Candidate[], sink: ProblemSink): void {
  const seen = new Map<string, Candidate>();
  for (const c of candidates) {
    if (typeof c.name !== 'string') {
      continue; // reported as a missing or invalid name
    }
    const key = `${c.section.kind.kind}/${c.name}`;
    const first = seen.get(key);
    if (first) {
      const at = `${first.source.file}:${locate(first.source, first.keys).line}`;
      sink.add(c.source, [...c.keys, 'name'], `${String(c.name)} is declared twice (first at ${at})`);
    } else {
      seen.set(key, c);
    }
  }
}

function namespaceOf(sources: readonly ReadFile[], sink: ProblemSink): string {
  const declared = sources.filter((s) => typeof s.body.namespace === 'string');
  const namespace = (declared[0]?.body.namespace as string | undefined) ?? DEFAULT_NAMESPACE;
  for (const s of declared) {
    if (s.body.namespace !== namespace) {
      sink.add(
        s.source,
        ['namespace'],
        `files disagree on the namespace: ${namespace} and ${String(s.body.namespace)}`,
      );
    }
  }
  return namespace;
}

export function parseInventory(
  inputs: readonly InventoryInput[],
  options: ParseOptions = {},
): { inventory?: ParsedInventory; problems: InventoryProblem[] } {
  const sink = new ProblemSink();
  const sources: ReadFile[] = [];
  for (const input of inputs) {
    const read = readSource(input, sink);
    if (read) {
      checkHeader(read.source, read.body, sink);
      sources.push(read);
    }
  }
  const namespace = namespaceOf(sources, sink);
  const candidates = sources.flatMap(({ source, body }) => collectCandidates(source, body, sink));
  checkDuplicates(candidates, sink);
  const existing = typeof options.existing === 'function' ? options.existing(namespace) : options.existing;
  const refs = referencesOf(candidates, existing);
  const objects = candidates.map((c) => checkCandidate(c, refs, namespace, sink));
  if (sink.problems.length > 0) {
    return { problems: sink.problems };
  }
  const order = (o: FleetObject) => SECTIONS.findIndex((s) => s.kind.kind === o.kind);
  const ready = (objects as FleetObject[]).sort((a, b) => order(a) - order(b));
  return { inventory: { namespace, objects: ready }, problems: [] };
}
