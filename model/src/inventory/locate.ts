/**
 * Maps a document path to a line and column in the YAML source it came from.
 *
 * Inventories are read with js-yaml, which is fast but keeps no positions (21,000 sites parse
 * in about a second, against several with a position-keeping parser, which also holds gigabytes
 * for a large file). Positions matter only when something is wrong, so the first problem in a
 * file indexes where its top-level keys and entries are (source-index.ts: a few numbers per
 * entry), and each problem's entry alone is re-read by the `yaml` package with positions. Both
 * parse YAML 1.2's core schema, so they agree on values. Memory for positions is the index plus
 * one entry's tree, whatever the file's size; an entry too large to re-read (or a file whose
 * re-reading budget is spent) is located at the entry's start.
 */
import { type Document, isMap, isNode, isScalar, LineCounter, type Node, parseDocument } from 'yaml';
import { elide, MAX_PATH_CHARS, MAX_QUOTED_CHARS } from '../validation/echo.ts';
import { INVENTORY_LIMITS } from './limits.ts';
import { SECTION_KEYS } from './sections.ts';
import { indexSource, type SourceIndex } from './source-index.ts';

/**
 * The most characters of one entry (or top-level value) re-read for positions: an entry's text
 * within INVENTORY_LIMITS.entryChars, so its tree is a few megabytes at most.
 */
const MAX_SLICE_CHARS = INVENTORY_LIMITS.entryChars;
/** The most characters of one file re-read for positions, all problems together (a few seconds). */
const SLICE_BUDGET_CHARS = 4 * 1024 * 1024;
/** Padding that keeps columns beyond this is shifted instead (a long single-line JSON file). */
const MAX_PAD = 1024;

interface ParsedSlice {
  from: number;
  doc: Document;
  lines: LineCounter;
  /** 0-based line of the slice's first line, and the columns its first line is shifted by. */
  line: number;
  shift: number;
}

export interface SourceFile {
  file: string;
  text: string;
  /** Where entries are; built the first time a problem in the file needs a position. */
  index?: SourceIndex;
  /** The entry last re-read: problems come entry by entry. */
  slice?: ParsedSlice;
  sliceBudget?: number;
}

export interface Located {
  line: number;
  column: number;
  /** How many of the keys the position is for: fewer when the rest is missing from the text. */
  depth: number;
}

const SECTIONS = new Set(SECTION_KEYS);

export function indexOf(source: SourceFile): SourceIndex {
  source.index ??= indexSource(source.text, { sections: SECTIONS, maxEntries: INVENTORY_LIMITS.entries + 1 });
  return source.index;
}

/** `spec.streamPlan[0].streams` -> ['streamPlan', 0, 'streams'] (the leading `spec` is the entry itself). */
export function specPathToKeys(path: string): (string | number)[] {
  const keys: (string | number)[] = [];
  for (const match of path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) {
    keys.push(match[2] !== undefined ? Number(match[2]) : (match[1] as string));
  }
  return keys[0] === 'spec' ? keys.slice(1) : keys;
}

function lineStartOf(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

/** 1-based line and column of an offset, counting lines from a known 0-based line start. */
function positionOf(text: string, offset: number, line: number): { line: number; column: number } {
  return { line: line + 1, column: offset - lineStartOf(text, offset) + 1 };
}

/** An entry's own first character: past a block item's `-` when its content is on the same line. */
function entryContent(text: string, start: number): number {
  if (text.charCodeAt(start) !== 0x2d /* - */) {
    return start;
  }
  let p = start + 1;
  while (text.charCodeAt(p) === 0x20) {
    p++;
  }
  const c = text.charCodeAt(p);
  return c === 0x0a || c === 0x0d || c === 0x23 || p >= text.length ? start : p;
}

interface Region {
  start: number;
  end: number;
  line: number;
  /** Keys the region itself stands for: 2 for an entry, 0 for a top-level key (its slice holds the key). */
  depth: number;
  /** A top-level scalar value on the key's line, where a problem with that value points. */
  value?: number;
}

function regionOf(index: SourceIndex, keys: readonly (string | number)[]): Region | undefined {
  const name = String(keys[0]);
  const root = index.roots.get(name);
  if (!root) {
    return undefined;
  }
  const spans = index.entries.get(name);
  const i = keys[1];
  const start = typeof i === 'number' ? spans?.starts[i] : undefined;
  if (spans && typeof i === 'number' && start !== undefined) {
    return { start, end: spans.ends[i] ?? root.end, line: spans.lines[i] ?? root.line, depth: 2 };
  }
  return { start: root.start, end: root.end, line: root.line, depth: 0, value: root.value };
}

function parseSlice(source: SourceFile, r: Region): ParsedSlice | undefined {
  if (source.slice?.from === r.start) {
    return source.slice;
  }
  const budget = source.sliceBudget ?? SLICE_BUDGET_CHARS;
  const length = r.end - r.start;
  if (length > MAX_SLICE_CHARS || length > budget) {
    return undefined;
  }
  source.sliceBudget = budget - length;
  const { text } = source;
  const column = r.start - lineStartOf(text, r.start);
  const pad = column <= MAX_PAD ? column : 0;
  // A block item's `-` becomes a space: the slice is then the entry's node at its own columns.
  const dash = text.charCodeAt(r.start) === 0x2d ? 1 : 0;
  const body = ' '.repeat(pad + dash) + text.slice(r.start + dash, r.end);
  const lines = new LineCounter();
  const doc = parseDocument(body, { lineCounter: lines });
  source.slice = { from: r.start, doc, lines, line: r.line, shift: column - pad };
  return source.slice;
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
  const node = keys.length === 0 ? doc.contents : doc.getIn(keys, true);
  return isNode(node) ? node : undefined;
}

function withinSlice(s: ParsedSlice, keys: readonly (string | number)[], base: number): Located | undefined {
  for (let depth = keys.length; depth >= 0; depth--) {
    const node = nodeAt(s.doc, keys.slice(0, depth));
    if (isNode(node) && node.range) {
      const { line, col } = s.lines.linePos(node.range[0]);
      return { line: s.line + line, column: line === 1 ? col + s.shift : col, depth: base + depth };
    }
  }
  return undefined;
}

/**
 * The position of the deepest node on `keys` that exists: a missing field points at the
 * object that lacks it, a value from `defaults` at the entry that received it.
 */
export function locate(source: SourceFile, keys: readonly (string | number)[]): Located {
  const index = indexOf(source);
  const region = keys.length > 0 ? regionOf(index, keys) : undefined;
  if (!region) {
    return { ...positionOf(source.text, index.content.start, index.content.line), depth: 0 };
  }
  const slice = parseSlice(source, region);
  const rest = region.depth === 2 ? keys.slice(2) : keys;
  const found = slice && withinSlice(slice, rest, region.depth);
  if (found) {
    return found;
  }
  // Too large to re-read: the entry's start, or a top-level key's scalar value (else the key).
  const scalar = region.value !== undefined && region.value >= 0 && keys.length === 1 ? region.value : -1;
  const at = region.depth === 2 ? entryContent(source.text, region.start) : Math.max(scalar, region.start);
  return { ...positionOf(source.text, at, region.line), depth: Math.max(region.depth, 1) };
}

/** `sites[3].location.region`, each name and the whole cut short when the input made them long. */
export function displayPath(keys: readonly (string | number)[]): string {
  const path = keys.reduce<string>((acc, k) => {
    if (typeof k === 'number') {
      return `${acc}[${k}]`;
    }
    const name = elide(k, MAX_QUOTED_CHARS);
    return acc ? `${acc}.${name}` : name;
  }, '');
  return elide(path, MAX_PATH_CHARS);
}
