/**
 * Checks a spec against its kind's schema with TypeBox's compiled checker: the same schema the
 * CRD carries, plus unknown-field detection the API server would only prune.
 */
import { type TypeCheck, TypeCompiler } from '@sinclair/typebox/compiler';
import type { KindDefinition } from '../kind.ts';
import type { TObject } from '../schema.ts';
import { quote } from './echo.ts';
import { type Problem, pointerToPath, problem } from './problem.ts';

const compiled = new WeakMap<TObject, TypeCheck<TObject>>();

function checkerFor(schema: TObject): TypeCheck<TObject> {
  let check = compiled.get(schema);
  if (!check) {
    check = TypeCompiler.Compile(schema);
    compiled.set(schema, check);
  }
  return check;
}

function describe(error: { message: string; schema: Record<string, unknown>; value: unknown }): string {
  const s = error.schema;
  if (error.value === undefined) {
    return 'is required';
  }
  if (Array.isArray(s.enum)) {
    return `${quote(error.value)} is not one of ${s.enum.join(', ')}`;
  }
  if (error.message.startsWith('Unexpected property')) {
    return 'unknown field';
  }
  return error.message.charAt(0).toLowerCase() + error.message.slice(1);
}

/** Problems in `spec` (paths start with `spec.`); empty when the spec fits the schema. */
export function checkSpecSchema(kind: KindDefinition, spec: unknown): Problem[] {
  const check = checkerFor(kind.spec);
  if (check.Check(spec)) {
    return [];
  }
  const problems: Problem[] = [];
  const seen = new Set<string>();
  for (const error of check.Errors(spec)) {
    const path = pointerToPath(`/spec${error.path}`);
    // TypeBox reports a union or enum miss once per branch; one line per field is enough.
    const key = `${path}|${error.type}`;
    if (seen.has(key) || seen.has(path)) {
      continue;
    }
    seen.add(key);
    seen.add(path);
    problems.push(problem(path, describe(error as never)));
    if (problems.length >= 20) {
      break;
    }
  }
  return problems;
}
