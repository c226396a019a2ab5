/**
 * Loads one inventory file with js-yaml and a count that stops it early.
 *
 * js-yaml calls a listener as it opens and closes every node; the count keeps, per open node, the
 * expanded size of its children so far, and takes an alias at the size its anchor measured. So
 * the moment a node (or the file) grows past INVENTORY_LIMITS.fileNodes or fileChars, or nests
 * past INVENTORY_LIMITS.depth, with its aliases expanded, loading stops: before the value exists
 * in full and before anything uses it. (js-yaml itself turns a list used as a mapping key into a
 * string, so that string is bounded by fileChars too.) The sizes of anchored nodes and of the
 * nodes near the top (sections, entries, defaults) are kept for the per-entry checks that follow.
 *
 * This leans on js-yaml 4's loader state (`kind`, `result`, `anchor`, `depth` as a node closes);
 * bounded-load.test.ts and limits.test.ts fail if a js-yaml upgrade changes what it reports.
 */
import { CORE_SCHEMA, load, YAMLException } from 'js-yaml';
import { elide, MAX_MESSAGE_CHARS } from '../validation/echo.ts';
import { ExpandedSizes, type Measure, scalarMeasure } from './expanded-size.ts';
import { INVENTORY_LIMITS } from './limits.ts';

/** Nodes this close to the root are remembered: the document (1), a section (2), an entry (3). */
const REMEMBERED_DEPTH = 3;
const FILE_NODES = INVENTORY_LIMITS.fileNodes;
const FILE_CHARS = INVENTORY_LIMITS.fileChars;

/** Why a file could not be loaded, with the offset where it happened. */
export interface LoadRefusal {
  /** Character offset of the node (or the syntax error) in the text. */
  offset: number;
  /** js-yaml's own position for a syntax error, 1-based. */
  line?: number;
  column?: number;
  message: string;
  /** `(yaml)` for syntax, `expansion` for the limits counted here. */
  kind: 'yaml' | 'expansion';
}

export type LoadResult = { value: unknown; sizes: ExpandedSizes } | { refusal: LoadRefusal };

class CountStopped extends Error {
  readonly offset: number;
  constructor(offset: number, message: string) {
    super(message);
    this.offset = offset;
  }
}

interface Frame extends Measure {
  start: number;
}

/** What the listener reads of js-yaml's loader state (its typings leave `anchor` and `depth` out). */
interface State {
  position: number;
  kind: string | null;
  result: unknown;
  /** The anchor of the node being closed, if it has one. */
  anchor?: string | null;
  /** The closing node's depth, the document being 1. */
  depth?: number;
}

class ExpansionCount {
  readonly sizes = new ExpandedSizes();
  readonly #frames: Frame[] = [];
  #closed = 0;

  readonly listener = (event: 'open' | 'close', state: State): void => {
    if (event === 'open') {
      this.#frames.push({ start: state.position, nodes: 0, chars: 0, depth: 0 });
    } else {
      this.#close(state);
    }
  };

  #measure(frame: Frame, state: State): Measure {
    const value = state.result;
    if (typeof value !== 'object' || value === null) {
      return scalarMeasure(value);
    }
    if (state.kind === 'mapping' || state.kind === 'sequence') {
      return { nodes: 1 + frame.nodes, chars: frame.chars, depth: 1 + frame.depth };
    }
    // An alias: the object its anchor made, measured when the anchor closed. One whose anchor
    // has not closed is inside the value it names, a cycle nothing downstream could walk.
    const known = this.sizes.known(value);
    if (!known) {
      throw new CountStopped(
        frame.start,
        'this alias refers to a value that contains it; an inventory cannot be cyclic',
      );
    }
    return known;
  }

  #check(measure: Measure, start: number): void {
    if (this.#closed > FILE_NODES) {
      throw new CountStopped(
        start,
        `the file holds more than ${FILE_NODES} nodes by here, the most one file may`,
      );
    }
    if (measure.nodes > FILE_NODES) {
      throw new CountStopped(
        start,
        `with its aliases expanded this holds more than ${FILE_NODES} nodes, the most one file may (every key, value and list item counts each time it appears)`,
      );
    }
    if (measure.chars > FILE_CHARS) {
      throw new CountStopped(
        start,
        `with its aliases expanded this holds more than ${FILE_CHARS} characters of text, the most one file may`,
      );
    }
    if (measure.depth > INVENTORY_LIMITS.depth) {
      throw new CountStopped(
        start,
        `with its aliases expanded this nests deeper than ${INVENTORY_LIMITS.depth} levels, the most an inventory may`,
      );
    }
  }

  #close(state: State): void {
    const frame = this.#frames.pop() ?? { start: state.position, nodes: 0, chars: 0, depth: 0 };
    const measure = this.#measure(frame, state);
    this.#closed += 1;
    this.#check(measure, frame.start);
    const value = state.result;
    const near = (state.depth ?? Number.POSITIVE_INFINITY) <= REMEMBERED_DEPTH;
    if (typeof value === 'object' && value !== null && (state.anchor != null || near)) {
      this.sizes.remember(value, measure);
    }
    const parent = this.#frames.at(-1);
    if (parent) {
      parent.nodes += measure.nodes;
      parent.chars += measure.chars;
      parent.depth = Math.max(parent.depth, measure.depth);
    }
  }
}

export function boundedLoad(text: string, file: string): LoadResult {
  const count = new ExpansionCount();
  try {
    const value = load(text, {
      filename: file,
      schema: CORE_SCHEMA,
      listener: count.listener,
      maxDepth: INVENTORY_LIMITS.depth,
    } as Parameters<typeof load>[1]);
    return { value, sizes: count.sizes };
  } catch (error) {
    if (error instanceof CountStopped) {
      return { refusal: { offset: error.offset, message: error.message, kind: 'expansion' } };
    }
    if (error instanceof YAMLException) {
      const mark = error.mark ?? { line: 0, column: 0, position: 0 };
      return {
        refusal: {
          offset: mark.position,
          line: mark.line + 1,
          column: mark.column + 1,
          message: elide(error.reason, MAX_MESSAGE_CHARS),
          kind: 'yaml',
        },
      };
    }
    throw error;
  }
}
