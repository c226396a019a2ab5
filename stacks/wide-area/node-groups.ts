/**
 * The cluster's node groups on its nodes: each named node gets its role's label and NoSchedule
 * taint by server-side apply (a NodePatch changes only those fields; the kubelet keeps owning
 * the rest of the Node). `spec.taints` is an atomic list: if another manager already owns taints
 * on a node, the patch stops with a conflict instead of silently replacing them.
 */
import * as k8s from '@pulumi/kubernetes';
import type { PartContext } from '../lib/part-context.ts';
import { type NodeRole, roleLabels, roleTaint } from './node-roles.ts';

export type NodesByRole = Record<NodeRole, readonly string[]>;

export function declareNodeGroups(nodes: NodesByRole, ctx: PartContext): k8s.core.v1.NodePatch[] {
  return (Object.entries(nodes) as [NodeRole, readonly string[]][]).flatMap(([role, names]) =>
    names.map(
      (node) =>
        new k8s.core.v1.NodePatch(
          `node-${node}`,
          {
            metadata: { name: node, labels: roleLabels(role) },
            spec: { taints: [roleTaint(role)] },
          },
          ctx.opts,
        ),
    ),
  );
}
