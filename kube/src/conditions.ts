/**
 * Conditions, Kubernetes style: one per type; lastTransitionTime moves only when the status
 * does; observedGeneration says which spec the condition speaks for.
 */
import type { Condition } from '@smart-fleet/model';

export interface ConditionInput {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason: string;
  message: string;
  observedGeneration?: number;
}

/** Returns new conditions with `input` set; `now` is injected so tests can drive time. */
export function setCondition(
  conditions: readonly Condition[] | undefined,
  input: ConditionInput,
  now: Date,
): Condition[] {
  const list = [...(conditions ?? [])];
  const index = list.findIndex((c) => c.type === input.type);
  const previous = list[index];
  const lastTransitionTime =
    previous && previous.status === input.status
      ? previous.lastTransitionTime
      : now.toISOString().replace(/\.\d+Z$/, 'Z');
  const next: Condition = { ...input, lastTransitionTime };
  if (index === -1) {
    list.push(next);
  } else {
    list[index] = next;
  }
  return list;
}

export function findCondition(
  conditions: readonly Condition[] | undefined,
  type: string,
): Condition | undefined {
  return conditions?.find((c) => c.type === type);
}
