/**
 * What the site agent may do on its building's cluster, derived from its code
 * (operators/src/agent/site-agent.ts and render.ts), and nothing more:
 * - it server-side applies its bundle into the release namespace (`smart-site`): the Namespace
 *   itself (patch; this stack creates it, so the agent never needs to create namespaces), and
 *   ConfigMaps and Deployments (patch, and create, since applying a new object creates it);
 * - it prunes what a newer bundle no longer has: list and delete ConfigMaps and Deployments
 *   there.
 * No get or watch, no Secrets, no Services, claims or quotas (the stack's), nothing in any other
 * namespace.
 */
import * as k8s from '@pulumi/kubernetes';
import { SITE_NAMESPACE } from '@smart-fleet/operators';
import { appLabels } from '../lib/labels.ts';
import type { PartContext } from '../lib/part-context.ts';

export const SITE_AGENT = 'site-agent';

export const BUNDLE_RULES: k8s.types.input.rbac.v1.PolicyRule[] = [
  { apiGroups: [''], resources: ['configmaps'], verbs: ['create', 'patch', 'list', 'delete'] },
  { apiGroups: ['apps'], resources: ['deployments'], verbs: ['create', 'patch', 'list', 'delete'] },
];

export const NAMESPACE_RULES: k8s.types.input.rbac.v1.PolicyRule[] = [
  { apiGroups: [''], resources: ['namespaces'], verbs: ['patch'], resourceNames: [SITE_NAMESPACE] },
];

/** Cluster-scoped names are one per cluster; the stack's namespace keeps two stacks apart. */
export function namespaceRoleName(namespace: string): string {
  return `${SITE_AGENT}-${namespace}`;
}

export function declareSiteAgentAccess(
  releaseNamespace: k8s.core.v1.Namespace,
  ctx: PartContext,
): k8s.core.v1.ServiceAccount {
  const labels = appLabels(SITE_AGENT, ctx.instance);
  const subject = { kind: 'ServiceAccount', name: SITE_AGENT, namespace: ctx.namespace };
  const serviceAccount = new k8s.core.v1.ServiceAccount(
    SITE_AGENT,
    { metadata: { name: SITE_AGENT, namespace: ctx.namespace, labels } },
    ctx.opts,
  );
  const inBundle = { ...ctx.opts, dependsOn: [releaseNamespace] };
  new k8s.rbac.v1.Role(
    SITE_AGENT,
    { metadata: { name: SITE_AGENT, namespace: SITE_NAMESPACE, labels }, rules: BUNDLE_RULES },
    inBundle,
  );
  new k8s.rbac.v1.RoleBinding(
    SITE_AGENT,
    {
      metadata: { name: SITE_AGENT, namespace: SITE_NAMESPACE, labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: SITE_AGENT },
      subjects: [subject],
    },
    inBundle,
  );
  const clusterName = namespaceRoleName(ctx.namespace);
  new k8s.rbac.v1.ClusterRole(
    clusterName,
    { metadata: { name: clusterName, labels }, rules: NAMESPACE_RULES },
    ctx.opts,
  );
  new k8s.rbac.v1.ClusterRoleBinding(
    clusterName,
    {
      metadata: { name: clusterName, labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: clusterName },
      subjects: [subject],
    },
    ctx.opts,
  );
  return serviceAccount;
}
