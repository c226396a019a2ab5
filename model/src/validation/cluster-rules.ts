/** WideAreaCluster rules a schema cannot say: one node group per role, unique partitions. */
import { NODE_ROLES, type WideAreaClusterSpec } from '../kinds/wide-area-cluster.ts';
import { type Problem, problem } from './problem.ts';

function duplicates<T>(values: readonly T[]): T[] {
  return values.filter((v, i) => values.indexOf(v) !== i);
}

export function wideAreaClusterRules(spec: WideAreaClusterSpec): Problem[] {
  const problems: Problem[] = [];
  const roles = spec.nodeGroups.map((g) => g.role);
  for (const role of duplicates(roles)) {
    problems.push(problem('spec.nodeGroups', `role ${role} has more than one node group`));
  }
  const missing = NODE_ROLES.filter((r) => !roles.includes(r));
  if (missing.length > 0) {
    problems.push(problem('spec.nodeGroups', `missing node group for ${missing.join(', ')}`));
  }
  for (const region of duplicates(spec.regions)) {
    problems.push(problem('spec.regions', `region ${region} is listed twice`));
  }
  for (const name of duplicates(spec.fabric.partitions.map((p) => p.name))) {
    problems.push(problem('spec.fabric.partitions', `partition name ${name} is used twice`));
  }
  for (const pkey of duplicates(spec.fabric.partitions.map((p) => p.pkey))) {
    problems.push(problem('spec.fabric.partitions', `partition key ${pkey} is used twice`));
  }
  return problems;
}
