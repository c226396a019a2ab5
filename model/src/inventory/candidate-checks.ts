/**
 * The checks on each candidate entry once it fits the limits: name, labels, shorthands, the
 * shared rules (schema, rules, references) and duplicates across files. A candidate that passes
 * becomes the hub object; one that fails reports each problem at its field.
 */
import { GROUP_VERSION, LABELS } from '../common.ts';
import { withDefaults } from '../validation/defaults.ts';
import { elide, MAX_QUOTED_CHARS } from '../validation/echo.ts';
import { type Problem, problem } from '../validation/problem.ts';
import type { FleetReferences } from '../validation/reference-rules.ts';
import { validateName, validateSpec } from '../validation/validate.ts';
import { type FleetObject, INVENTORY_MANAGER } from './document.ts';
import type { Candidate } from './entries.ts';
import { locate, specPathToKeys } from './locate.ts';
import type { ProblemSink } from './problem-sink.ts';

function namesOf(candidates: readonly Candidate[], kind: string): string[] {
  return candidates
    .filter((c) => c.section.kind.kind === kind && typeof c.name === 'string')
    .map((c) => c.name as string);
}

/** A cluster's regions as written; only strings count (the cluster's own check refuses the rest). */
function regionsOf(spec: Record<string, unknown>): string[] {
  return Array.isArray(spec.regions) ? spec.regions.filter((r): r is string => typeof r === 'string') : [];
}

export function referencesOf(candidates: readonly Candidate[], existing?: FleetReferences): FleetReferences {
  const clusters = new Map(existing?.clusters ?? []);
  for (const c of candidates) {
    if (c.section.kind.kind === 'WideAreaCluster' && typeof c.name === 'string') {
      clusters.set(c.name, { regions: regionsOf(c.spec) });
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
  return ok ? [] : [problem('labels', 'must map label keys to string values')];
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

export function checkCandidate(
  c: Candidate,
  refs: FleetReferences,
  namespace: string,
  sink: ProblemSink,
): FleetObject | undefined {
  const object = `${c.section.kind.kind} ${typeof c.name === 'string' ? c.name : '(unnamed)'}`;
  const expanded = c.section.expand?.(c.spec) ?? [];
  const spec = withDefaults(c.section.kind, c.spec);
  const problems = [
    ...validateName(c.name),
    ...labelProblems(c.labels),
    ...expanded,
    ...(expanded.length === 0 ? validateSpec(c.section.kind, spec, refs) : []),
  ];
  for (const p of problems) {
    sink.add(c.source, problemKeys(c, p.path), p.message, { object });
  }
  return problems.length === 0 ? toObject(c, namespace, spec) : undefined;
}

export function checkDuplicates(candidates: readonly Candidate[], sink: ProblemSink): void {
  const seen = new Map<string, Candidate>();
  for (const c of candidates) {
    if (typeof c.name !== 'string') {
      continue; // reported as a missing or invalid name
    }
    const key = `${c.section.kind.kind}/${c.name}`;
    const first = seen.get(key);
    if (first) {
      const at = `${first.source.file}:${locate(first.source, first.keys).line}`;
      sink.add(
        c.source,
        [...c.keys, 'name'],
        `${elide(c.name, MAX_QUOTED_CHARS)} is declared twice (first at ${at})`,
      );
    } else {
      seen.set(key, c);
    }
  }
}
