/** Test helper: asserts a list of problems is exactly the expected ones (path + message fragment). */
import assert from 'node:assert/strict';
import type { Problem } from './problem.ts';

export interface ExpectedProblem {
  path: string;
  /** A fragment (string) or pattern the message must contain. */
  message: string | RegExp;
}

function matches(p: Problem, want: ExpectedProblem): boolean {
  if (p.path !== want.path) {
    return false;
  }
  return typeof want.message === 'string' ? p.message.includes(want.message) : want.message.test(p.message);
}

export function assertProblems(problems: readonly Problem[], want: readonly ExpectedProblem[]): void {
  const shown = JSON.stringify(problems);
  assert.equal(problems.length, want.length, `expected ${want.length} problem(s), got ${shown}`);
  for (const w of want) {
    assert.ok(
      problems.some((p) => matches(p, w)),
      `expected a problem at ${w.path} matching ${w.message}, got ${shown}`,
    );
  }
}
