/**
 * One line of a YAML file as source-index.ts needs it: its indent, whether it starts a block
 * sequence entry, and where its key and value are, so a value that runs on over further lines
 * (a block scalar, a quoted scalar, a flow collection, plain text) can be stepped over whole.
 */
import { endOfQuoted, isBlank, isQuote } from './flow-scan.ts';

export interface LineValue {
  /** What the line's value is; `none` when it continues on the next lines (or there is none). */
  kind: 'none' | 'plain' | 'quoted' | 'flow' | 'block';
  /** Offset of the value's first character. */
  start: number;
  /** The column that owns what follows: lines indented more belong to this line's value. */
  owner: number;
  /** The key's extent (`keyEnd` at its `:`), or -1 when the line has no key. */
  keyStart: number;
  keyEnd: number;
}

export interface ScannedLine {
  start: number;
  /** Offset of the line's `\n` (or the text's end). */
  end: number;
  next: number;
  indent: number;
  /** The first character after the indent (NaN at the end of the text). */
  first: number;
  blank: boolean;
  /** Starts with a block sequence indicator (`- ` or a lone `-`). */
  item: boolean;
  value: LineValue;
}

function skipSpaces(text: string, p: number, end: number): number {
  let q = p;
  while (q < end && (text.charCodeAt(q) === 0x20 || text.charCodeAt(q) === 0x09)) {
    q++;
  }
  return q;
}

/** Skips `&anchor` and `!tag` properties before a node. */
function skipProperties(text: string, p: number, end: number): number {
  let q = p;
  for (let guard = 0; guard < 8 && (text.charCodeAt(q) === 0x26 || text.charCodeAt(q) === 0x21); guard++) {
    while (q < end && !isBlank(text.charCodeAt(q))) {
      q++;
    }
    q = skipSpaces(text, q, end);
  }
  return q;
}

/** The `:` that ends a plain key on this line (followed by a blank, before any comment), or -1. */
function keyColon(text: string, p: number, end: number): number {
  // A search bounded by the line: an unbounded indexOf would cost the rest of the file per line.
  for (let q = p; q < end; q++) {
    const c = text.charCodeAt(q);
    if (c === 0x3a /* : */ && isBlank(text.charCodeAt(q + 1))) {
      return q;
    }
    if (c === 0x23 /* # */ && q > p && isBlank(text.charCodeAt(q - 1))) {
      return -1; // a comment starts
    }
  }
  return -1;
}

function kindAt(text: string, p: number, end: number): LineValue['kind'] {
  const c = text.charCodeAt(p);
  if (p >= end || c === 0x23 /* # */ || c === 0x0d) {
    return 'none';
  }
  if (isQuote(c)) {
    return 'quoted';
  }
  if (c === 0x5b || c === 0x7b) {
    return 'flow';
  }
  return c === 0x7c || c === 0x3e ? 'block' : 'plain';
}

/** The value after a key ending at `colon`, owned by the key's column. */
function afterKey(text: string, lineStart: number, key: [number, number], end: number): LineValue {
  const start = skipProperties(text, skipSpaces(text, key[1] + 1, end), end);
  const kind = kindAt(text, start, end);
  return { kind, start, owner: key[0] - lineStart, keyStart: key[0], keyEnd: key[1] };
}

function lineValue(text: string, lineStart: number, from: number, end: number): LineValue {
  let p = from;
  let owner = from - lineStart;
  // `- `, `? ` and `: ` indicators (nested ones too, `- - x`) own what is indented past them.
  for (let guard = 0; guard < 64; guard++) {
    const c = text.charCodeAt(p);
    if ((c === 0x2d || c === 0x3f || c === 0x3a) && isBlank(text.charCodeAt(p + 1))) {
      owner = p - lineStart;
      p = skipSpaces(text, p + 1, end);
    } else {
      break;
    }
  }
  p = skipProperties(text, p, end);
  const none: LineValue = { kind: 'none', start: p, owner, keyStart: -1, keyEnd: -1 };
  const kind = kindAt(text, p, end);
  if (kind === 'quoted') {
    const q = Math.min(endOfQuoted(text, p), end);
    const colon = skipSpaces(text, q, end);
    if (text.charCodeAt(colon) === 0x3a && isBlank(text.charCodeAt(colon + 1))) {
      return afterKey(text, lineStart, [p, colon], end);
    }
  }
  if (kind !== 'plain') {
    return { ...none, kind };
  }
  const colon = keyColon(text, p, end);
  return colon >= 0 ? afterKey(text, lineStart, [p, colon], end) : { ...none, kind };
}

export function readLine(text: string, start: number): ScannedLine {
  const nl = text.indexOf('\n', start);
  const end = nl < 0 ? text.length : nl;
  let p = start;
  while (p < end && text.charCodeAt(p) === 0x20) {
    p++;
  }
  const first = p < end ? text.charCodeAt(p) : Number.NaN;
  const blank = p >= end || first === 0x0d || (first === 0x09 && text.slice(p, end).trim() === '');
  const item = first === 0x2d && isBlank(text.charCodeAt(p + 1));
  const value = blank
    ? { kind: 'none' as const, start: p, owner: -1, keyStart: -1, keyEnd: -1 }
    : lineValue(text, start, p, end);
  return { start, end, next: end + 1, indent: p - start, first, blank, item, value };
}

/** Line numbers (0-based) of offsets asked for mostly in increasing order, counted once. */
export class LineTracker {
  readonly #text: string;
  #offset = 0;
  #line = 0;

  constructor(text: string) {
    this.#text = text;
  }

  lineOf(offset: number): number {
    if (offset < this.#offset) {
      this.#offset = 0;
      this.#line = 0;
    }
    for (let nl = this.#text.indexOf('\n', this.#offset); nl >= 0 && nl < offset; ) {
      this.#line++;
      nl = this.#text.indexOf('\n', nl + 1);
    }
    this.#offset = offset;
    return this.#line;
  }
}
