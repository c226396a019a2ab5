/**
 * Where the loader's problems go: each located in its file, its path, object and message cut to
 * a bounded length, and at most INVENTORY_LIMITS.problems of them. Past that the sink is full,
 * one last problem says checking stopped there, and the loader stops checking (a file of
 * 200,000 broken entries costs the time of a thousand).
 */
import { elide, MAX_MESSAGE_CHARS, MAX_PATH_CHARS, MAX_QUOTED_CHARS } from '../validation/echo.ts';
import type { InventoryProblem } from './document.ts';
import { INVENTORY_LIMITS } from './limits.ts';
import { displayPath, locate, type SourceFile } from './locate.ts';

export interface AddOptions {
  /** The object the problem concerns, e.g. `Site apt-seoul-00004`. */
  object?: string;
  /** Name the path only as deep as the text goes (an aliased expansion has no text of its own). */
  pathAsLocated?: boolean;
}

export class ProblemSink {
  readonly problems: InventoryProblem[] = [];
  #full = false;

  /** True once the limit is reached: callers stop checking. */
  get full(): boolean {
    return this.#full;
  }

  add(
    source: SourceFile,
    keys: readonly (string | number)[],
    message: string,
    options: AddOptions = {},
  ): void {
    if (this.#full) {
      return;
    }
    const at = locate(source, keys);
    const shown = options.pathAsLocated ? keys.slice(0, at.depth) : keys;
    this.push({
      file: source.file,
      line: at.line,
      column: at.column,
      path: displayPath(shown) || '(document)',
      ...(options.object ? { object: options.object } : {}),
      message,
    });
  }

  push(problem: InventoryProblem): void {
    if (this.#full) {
      return;
    }
    if (this.problems.length >= INVENTORY_LIMITS.problems) {
      this.#full = true;
      this.problems.push({
        ...problem,
        path: '(inventory)',
        object: undefined,
        message: `more problems follow from here; checking stopped after ${INVENTORY_LIMITS.problems}: fix these and check again`,
      });
      return;
    }
    this.problems.push({
      ...problem,
      path: elide(problem.path, MAX_PATH_CHARS),
      ...(problem.object ? { object: elide(problem.object, MAX_QUOTED_CHARS + 32) } : {}),
      message: elide(problem.message, MAX_MESSAGE_CHARS),
    });
  }
}
