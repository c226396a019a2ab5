/** A validation problem: what is wrong and which field, as every entry point reports it. */
import { boundPath, elide, MAX_MESSAGE_CHARS } from './echo.ts';

export interface Problem {
  /** Dotted path from the object root, e.g. `spec.streaming.egressBudgetMbps`. */
  path: string;
  message: string;
}

/** A problem, its path and message cut to a bounded length whatever the input made them. */
export function problem(path: string, message: string): Problem {
  return { path: boundPath(path), message: elide(message, MAX_MESSAGE_CHARS) };
}

/** `/spec/streamPlan/0/streams` -> `spec.streamPlan[0].streams` */
export function pointerToPath(pointer: string): string {
  return pointer
    .split('/')
    .filter((p) => p !== '')
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((acc, part) => (/^\d+$/.test(part) ? `${acc}[${part}]` : acc ? `${acc}.${part}` : part), '');
}

export function formatProblems(problems: readonly Problem[]): string {
  return problems.map((p) => `${p.path}: ${p.message}`).join('; ');
}
