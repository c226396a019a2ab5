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
import { grantRole } from '../lib/role-binding.ts';

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
  const subjects = [subject];
  grantRole(
    SITE_AGENT,
    { kind: 'Role', name: SITE_AGENT, namespace: SITE_NAMESPACE, labels, rules: BUNDLE_RULES, subjects },
    { ...ctx.opts, dependsOn: [releaseNamespace] },
  );
  const clusterName = namespaceRoleName(ctx.namespace);
  grantRole(
    clusterName,
    { kind: 'ClusterRole', name: clusterName, labels, rules: NAMESPACE_RULES, subjects },
    ctx.opts,
  );
  return serviceAccount;
}
