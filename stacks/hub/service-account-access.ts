/**
 * A ServiceAccount and exactly the rights it is given, in the three scopes the hub uses:
 * cluster-wide (ClusterRole + ClusterRoleBinding), the same rules in each of a list of
 * namespaces (one ClusterRole, a RoleBinding per namespace: nothing outside them), and rules in
 * one namespace (Role + RoleBinding). The operators and the API each get one.
 */
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { appLabels } from '../lib/labels.ts';
import { grantRole } from '../lib/role-binding.ts';
import { clusterScopedName } from './names.ts';

type PolicyRule = k8s.types.input.rbac.v1.PolicyRule;

export interface ServiceAccountAccessArgs {
  name: string;
  namespace: string;
  /** Mount a token into pods running as this account; false for pods that never call the API. */
  automountToken: boolean;
  clusterRules?: PolicyRule[];
  perNamespace?: { namespaces: string[]; rules: PolicyRule[] };
  /** Rules in one namespace, under their own Role name. */
  inNamespace?: { namespace: string; roleName: string; rules: PolicyRule[] };
}

const RBAC_GROUP = 'rbac.authorization.k8s.io';

export class ServiceAccountAccess extends pulumi.ComponentResource {
  readonly serviceAccount: k8s.core.v1.ServiceAccount;
  readonly serviceAccountName: string;

  constructor(name: string, args: ServiceAccountAccessArgs, opts?: pulumi.ComponentResourceOptions) {
    super('smart:hub:ServiceAccountAccess', name, {}, opts);
    const labels = appLabels(args.name);
    const child = { parent: this };
    this.serviceAccountName = args.name;
    this.serviceAccount = new k8s.core.v1.ServiceAccount(
      `${name}-sa`,
      {
        metadata: { name: args.name, namespace: args.namespace, labels },
        automountServiceAccountToken: args.automountToken,
      },
      child,
    );
    const subjects = [{ kind: 'ServiceAccount', name: args.name, namespace: args.namespace }];
    const dependsOn = [this.serviceAccount];
    if (args.clusterRules) {
      const roleName = clusterScopedName(args.namespace, args.name);
      grantRole(
        `${name}-cluster`,
        { kind: 'ClusterRole', name: roleName, labels, rules: args.clusterRules, subjects },
        { ...child, dependsOn },
      );
    }
    if (args.perNamespace) {
      const roleName = clusterScopedName(args.namespace, `${args.name}-namespaced`);
      const role = new k8s.rbac.v1.ClusterRole(
        `${name}-namespaced`,
        { metadata: { name: roleName, labels }, rules: args.perNamespace.rules },
        child,
      );
      for (const namespace of args.perNamespace.namespaces) {
        new k8s.rbac.v1.RoleBinding(
          `${name}-in-${namespace}`,
          {
            metadata: { name: args.name, namespace, labels },
            roleRef: { apiGroup: RBAC_GROUP, kind: 'ClusterRole', name: roleName },
            subjects,
          },
          { ...child, dependsOn: [...dependsOn, role] },
        );
      }
    }
    if (args.inNamespace) {
      const { namespace, roleName, rules } = args.inNamespace;
      grantRole(
        `${name}-role`,
        { kind: 'Role', name: roleName, namespace, labels, rules, subjects },
        { ...child, dependsOn },
      );
    }
    this.registerOutputs({ serviceAccount: `${args.namespace}/${args.name}` });
  }
}
