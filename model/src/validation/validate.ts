/**
 * The one validation entry point: schema first, then the rules a schema cannot say, then
 * (given what else exists) references. The inventory loader, the API, the operators and the
 * admission webhook all call this, so they refuse the same things with the same words.
 */

import type { KindDefinition } from '../kind.ts';
import type { RolloutSpec } from '../kinds/rollout.ts';
import type { SiteSpec } from '../kinds/site.ts';
import type { WideAreaClusterSpec } from '../kinds/wide-area-cluster.ts';
import { NAME_PATTERN } from '../schema.ts';
import { wideAreaClusterRules } from './cluster-rules.ts';
import { quote } from './echo.ts';
import { type Problem, problem } from './problem.ts';
import { type FleetReferences, rolloutReferenceRules, siteReferenceRules } from './reference-rules.ts';
import { rolloutRules } from './rollout-rules.ts';
import { checkSpecSchema } from './schema-check.ts';
import { siteRules } from './site-rules.ts';

type Rules = (spec: never, refs?: FleetReferences) => Problem[];

const RULES: Record<string, Rules> = {
  Site: (spec: SiteSpec, refs?: FleetReferences) => [
    ...siteRules(spec),
    ...(refs ? siteReferenceRules(spec, refs) : []),
  ],
  WideAreaCluster: (spec: WideAreaClusterSpec) => wideAreaClusterRules(spec),
  Rollout: (spec: RolloutSpec, refs?: FleetReferences) => [
    ...rolloutRules(spec),
    ...(refs ? rolloutReferenceRules(spec, refs) : []),
  ],
};

const NAME = new RegExp(NAME_PATTERN);

export function validateName(name: unknown, path = 'metadata.name'): Problem[] {
  if (typeof name !== 'string' || name.length === 0) {
    return [problem(path, 'is required')];
  }
  if (name.length > 63 || !NAME.test(name)) {
    return [
      problem(path, `${quote(name)} must be lower-case letters, digits and '-', at most 63 characters`),
    ];
  }
  return [];
}

/** Problems with a spec of `kind`; empty means valid. References are checked when given. */
export function validateSpec(kind: KindDefinition, spec: unknown, refs?: FleetReferences): Problem[] {
  const schemaProblems = checkSpecSchema(kind, spec);
  if (schemaProblems.length > 0) {
    // The rules assume the schema's shape; report shape problems alone first.
    return schemaProblems;
  }
  return RULES[kind.kind]?.(spec as never, refs) ?? [];
}

export function validateObject(
  kind: KindDefinition,
  object: { metadata?: { name?: unknown }; spec?: unknown },
  refs?: FleetReferences,
): Problem[] {
  return [...validateName(object.metadata?.name), ...validateSpec(kind, object.spec, refs)];
}
