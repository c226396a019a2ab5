/** Rules that look across objects: a site's cluster and tenant must exist, and the cluster serve its region. */
import type { RolloutSpec } from '../kinds/rollout.ts';
import type { SiteSpec } from '../kinds/site.ts';
import { type Problem, problem } from './problem.ts';

/** What other objects exist, from an inventory, a hub, or both. */
export interface FleetReferences {
  clusters: ReadonlyMap<string, { regions: readonly string[] }>;
  tenants: ReadonlySet<string>;
  releases?: ReadonlySet<string>;
}

export function siteReferenceRules(spec: SiteSpec, refs: FleetReferences): Problem[] {
  const problems: Problem[] = [];
  const cluster = refs.clusters.get(spec.parentCluster);
  if (!cluster) {
    problems.push(problem('spec.parentCluster', `wide-area cluster ${spec.parentCluster} does not exist`));
  } else if (!cluster.regions.includes(spec.location.region)) {
    problems.push(
      problem(
        'spec.parentCluster',
        `wide-area cluster ${spec.parentCluster} does not serve region ${spec.location.region} (it serves ${cluster.regions.join(', ')})`,
      ),
    );
  }
  if (!refs.tenants.has(spec.tenant)) {
    problems.push(problem('spec.tenant', `tenant ${spec.tenant} does not exist`));
  }
  return problems;
}

export function rolloutReferenceRules(spec: RolloutSpec, refs: FleetReferences): Problem[] {
  if (refs.releases && !refs.releases.has(spec.release)) {
    return [problem('spec.release', `site release ${spec.release} does not exist`)];
  }
  return [];
}
