/**
 * What the site agent may do on its building's cluster, derived from its code
 * (operators/src/agent/site-agent.ts and render.ts), and nothing more:
 * - it server-side applies its bundle into the release namespace (`smart-site`): the Namespace
 *   itself (patch; this stack creates it, so the agent never needs to create namespaces), and
 *   ConfigMaps and Deployments (patch, and create, since applying a new object creates it);
 * - it prunes what a newer bundle no longer has: list and delete ConfigMaps and Deployments
 *   there;
 * - it judges a release by its pods and reads the heartbeat from them (release-readiness.ts,
 *   release-pod-readings.ts): list pods there; and the healthy cards from its own Node, by name
 *   (node-accelerators.ts): get that one Node.
 * No watch, no Secrets, no Services, claims or quotas (the stack's), no pod it may create or
 * delete, nothing in any other namespace.
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
  { apiGroups: [''], resources: ['pods'], verbs: ['list'] },
];

/** Cluster-scoped: the release namespace, and the box's Node (named after the site). */
export function clusterRules(node: string): k8s.types.input.rbac.v1.PolicyRule[] {
  return [
    { apiGroups: [''], resources: ['namespaces'], verbs: ['patch'], resourceNames: [SITE_NAMESPACE] },
    { apiGroups: [''], resources: ['nodes'], verbs: ['get'], resourceNames: [node] },
  ];
}

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
    { kind: 'ClusterRole', name: clusterName, labels, rules: clusterRules(ctx.instance), subjects },
    ctx.opts,
  );
  return serviceAccount;
}
