/**
 * Maps a document path to a line and column in the YAML source it came from.
 *
 * Inventories are read with js-yaml, which is fast but keeps no positions (21,000 sites parse
 * in about a second, against several with a position-keeping parser). Positions matter only
 * when something is wrong, so the `yaml` package re-reads a file the first time one of its
 * problems needs a line number. Both parse YAML 1.2's core schema, so they agree on values.
 */
import { type Document, isMap, isNode, isScalar, LineCounter, type Node, parseDocument } from 'yaml';

export interface SourceFile {
  file: string;
  text: string;
  positions?: { doc: Document; lines: LineCounter };
}

function positionsOf(source: SourceFile): { doc: Document; lines: LineCounter } {
  if (!source.positions) {
    const lines = new LineCounter();
    source.positions = { doc: parseDocument(source.text, { lineCounter: lines }), lines };
  }
  return source.positions;
}

/** `spec.streamPlan[0].streams` -> ['streamPlan', 0, 'streams'] (the leading `spec` is the entry itself). */
export function specPathToKeys(path: string): (string | number)[] {
  const keys: (string | number)[] = [];
  for (const match of path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) {
    keys.push(match[2] !== undefined ? Number(match[2]) : (match[1] as string));
  }
  return keys[0] === 'spec' ? keys.slice(1) : keys;
}

/**
 * The position of the deepest node on `keys` that exists: a missing field points at the
 * object that lacks it, a value from `defaults` at the entry that received it.
 */
export function locate(
  source: SourceFile,
  keys: readonly (string | number)[],
): { line: number; column: number } {
  const { doc, lines } = positionsOf(source);
  for (let depth = keys.length; depth >= 0; depth--) {
    const node = nodeAt(doc, keys.slice(0, depth));
    if (isNode(node) && node.range) {
      const { line, col } = lines.linePos(node.range[0]);
      return { line, column: col };
    }
  }
  return { line: 1, column: 1 };
}

/**
 * The node for a path: a scalar value where there is one (a bad value points at itself),
 * otherwise the mapping key (an unknown field whose value is a block points at its name).
 */
function nodeAt(doc: Document, keys: readonly (string | number)[]): Node | undefined {
  const last = keys.at(-1);
  const parent = doc.getIn(keys.slice(0, -1), true);
  if (typeof last === 'string' && isMap(parent)) {
    const pair = parent.items.find((p) => isScalar(p.key) && p.key.value === last);
    if (isScalar(pair?.value)) {
      return pair.value;
    }
    return isNode(pair?.key) ? pair.key : undefined;
  }
  const node = doc.getIn(keys, true);
  return isNode(node) ? node : undefined;
}

export function displayPath(keys: readonly (string | number)[]): string {
  return keys.reduce<string>(
    (acc, k) => (typeof k === 'number' ? `${acc}[${k}]` : acc ? `${acc}.${k}` : k),
    '',
  );
}
