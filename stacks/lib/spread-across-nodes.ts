/**
 * A Deployment's replicas on different nodes where the cluster has enough of them (preferred,
 * not required: a small cluster still runs every replica), so one node's loss takes one replica.
 */
export function spreadAcrossNodes(selector: Record<string, string>) {
  return {
    podAntiAffinity: {
      preferredDuringSchedulingIgnoredDuringExecution: [
        {
          weight: 100,
          podAffinityTerm: {
            topologyKey: 'kubernetes.io/hostname',
            labelSelector: { matchLabels: selector },
          },
        },
      ],
    },
  };
}
