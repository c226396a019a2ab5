/**
 * How a wide-area cluster's node groups (the model's NODE_ROLES) appear on its nodes: one label
 * and one NoSchedule taint per role, so only workloads that select and tolerate a role land on
 * its nodes, and nothing else crowds the encoders, streamers or storage servers.
 */
import type * as k8s from '@pulumi/kubernetes';
import { NODE_ROLES } from '@smart-fleet/model';

export type NodeRole = (typeof NODE_ROLES)[number];
export { NODE_ROLES };

export const NODE_ROLE_KEY = 'smartfleet.io/node-role';

export function roleLabels(role: NodeRole): Record<string, string> {
  return { [NODE_ROLE_KEY]: role };
}

export function roleTaint(role: NodeRole): k8s.types.input.core.v1.Taint {
  return { key: NODE_ROLE_KEY, value: role, effect: 'NoSchedule' };
}

/** The nodeSelector and toleration a pod needs to run on, and only on, nodes of `role`. */
export function scheduledOnRole(role: NodeRole): {
  nodeSelector: Record<string, string>;
  tolerations: k8s.types.input.core.v1.Toleration[];
} {
  return {
    nodeSelector: roleLabels(role),
    tolerations: [{ key: NODE_ROLE_KEY, operator: 'Equal', value: role, effect: 'NoSchedule' }],
  };
}

/** For node daemons that belong on every fabric node whatever its role. */
export function scheduledOnAnyRole(): {
  affinity: k8s.types.input.core.v1.Affinity;
  tolerations: k8s.types.input.core.v1.Toleration[];
} {
  return {
    affinity: {
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [
            { matchExpressions: [{ key: NODE_ROLE_KEY, operator: 'In', values: [...NODE_ROLES] }] },
          ],
        },
      },
    },
    tolerations: [{ key: NODE_ROLE_KEY, operator: 'Exists', effect: 'NoSchedule' }],
  };
}
