/** A validation problem: what is wrong and which field, as every entry point reports it. */
export interface Problem {
  /** Dotted path from the object root, e.g. `spec.streaming.egressBudgetMbps`. */
  path: string;
  message: string;
}

export function problem(path: string, message: string): Problem {
  return { path, message };
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
