/** Fills schema defaults into a spec, as the API server would, without touching the input. */
import { Value } from '@sinclair/typebox/value';
import type { KindDefinition } from '../kind.ts';

export function withDefaults<T>(kind: KindDefinition, spec: T): T {
  return Value.Default(kind.spec, Value.Clone(spec)) as T;
}
