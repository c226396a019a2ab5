/**
 * A Role or ClusterRole and the binding of the same name that grants it: how every stack gives
 * a ServiceAccount its rights (the hub's operators and API, a wide-area cluster's license
 * service, a building's agent).
 */
import * as k8s from '@pulumi/kubernetes';
import type * as pulumi from '@pulumi/pulumi';

type PolicyRule = k8s.types.input.rbac.v1.PolicyRule;
type Subject = k8s.types.input.rbac.v1.Subject;

export interface RoleGrant {
  kind: 'Role' | 'ClusterRole';
  name: string;
  /** For a Role; a ClusterRole has none. */
  namespace?: string;
  labels: Record<string, string>;
  rules: PolicyRule[];
  subjects: Subject[];
}

export function grantRole(
  logicalName: string,
  grant: RoleGrant & { kind: 'Role' },
  opts: pulumi.CustomResourceOptions,
): k8s.rbac.v1.Role;
export function grantRole(
  logicalName: string,
  grant: RoleGrant & { kind: 'ClusterRole' },
  opts: pulumi.CustomResourceOptions,
): k8s.rbac.v1.ClusterRole;
export function grantRole(
  logicalName: string,
  grant: RoleGrant,
  opts: pulumi.CustomResourceOptions,
): k8s.rbac.v1.Role | k8s.rbac.v1.ClusterRole {
  const metadata = { name: grant.name, namespace: grant.namespace, labels: grant.labels };
  const role =
    grant.kind === 'Role'
      ? new k8s.rbac.v1.Role(logicalName, { metadata, rules: grant.rules }, opts)
      : new k8s.rbac.v1.ClusterRole(logicalName, { metadata, rules: grant.rules }, opts);
  // After the role, and so after whatever the role waits for.
  const dependsOn = [role];
  const binding = {
    metadata,
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: grant.kind, name: grant.name },
    subjects: grant.subjects,
  };
  if (grant.kind === 'Role') {
    new k8s.rbac.v1.RoleBinding(logicalName, binding, { ...opts, dependsOn });
  } else {
    new k8s.rbac.v1.ClusterRoleBinding(logicalName, binding, { ...opts, dependsOn });
  }
  return role;
}
