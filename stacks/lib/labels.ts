/** The labels every object the stacks declare carries, so `kubectl get -l` finds a component's parts. */
export const PART_OF = 'smart-fleet';

/** Recommended app labels; `selectorLabels` is the stable subset a Deployment selects on. */
export function appLabels(component: string, instance?: string): Record<string, string> {
  return {
    ...selectorLabels(component, instance),
    'app.kubernetes.io/part-of': PART_OF,
    'app.kubernetes.io/managed-by': 'pulumi',
  };
}

export function selectorLabels(component: string, instance?: string): Record<string, string> {
  return {
    'app.kubernetes.io/name': component,
    ...(instance ? { 'app.kubernetes.io/instance': instance } : {}),
  };
}
