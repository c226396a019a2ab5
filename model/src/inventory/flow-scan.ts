/**
 * Character-level scanning of the YAML constructs a line scan cannot see the end of: quoted
 * scalars and flow collections (`[...]`, `{...}`), either of which may run over many lines.
 * Used by source-index.ts to find where entries start and end without building a tree; it
 * trusts that js-yaml has already read the text as valid YAML.
 */

const SPACE = 0x20;
const TAB = 0x09;
const LF = 0x0a;
const CR = 0x0d;

export function isBlank(code: number): boolean {
  return code === SPACE || code === TAB || code === LF || code === CR || Number.isNaN(code);
}

/** The offset just after the quoted scalar opening at `start` (the text's end if it never closes). */
export function endOfQuoted(text: string, start: number): number {
  const quote = text.charCodeAt(start);
  for (let p = start + 1; p < text.length; p++) {
    const c = text.charCodeAt(p);
    if (quote === 0x22 && c === 0x5c) {
      p++; // a backslash escape in a double-quoted scalar
    } else if (c === quote) {
      if (quote === 0x27 && text.charCodeAt(p + 1) === 0x27) {
        p++; // '' is a quote inside a single-quoted scalar
      } else {
        return p + 1;
      }
    }
  }
  return text.length;
}

/** The first `code` in [from, end), or -1: a search that cannot run past what it is given. */
export function indexBefore(text: string, code: number, from: number, end: number): number {
  for (let p = from; p < end; p++) {
    if (text.charCodeAt(p) === code) {
      return p;
    }
  }
  return -1;
}

export function isQuote(code: number): boolean {
  return code === 0x22 || code === 0x27;
}

function isFlowIndicator(code: number): boolean {
  return code === 0x2c || code === 0x5b || code === 0x5d || code === 0x7b || code === 0x7d;
}

function endOfLine(text: string, p: number): number {
  const eol = text.indexOf('\n', p);
  return eol < 0 ? text.length : eol;
}

/** One entry of a flow collection: where its first character is and where it ends. */
export interface FlowItem {
  start: number;
  end: number;
}

/** What a flow scan has seen at the current position. */
interface FlowState {
  depth: number;
  /** Inside a plain scalar, where quotes and `#` without a space before are literal. */
  plain: boolean;
  /** The current top-level entry's start, or -1 between entries. */
  item: number;
}

/**
 * The offset just after the flow collection opening at `start`, calling `onItem` for each of its
 * own entries (not nested ones) with their extent; -1 if it never closes.
 */
export function endOfFlow(text: string, start: number, onItem?: (item: FlowItem) => void): number {
  const s: FlowState = { depth: 0, plain: false, item: -1 };
  for (let p = start; p < text.length; p++) {
    const c = text.charCodeAt(p);
    if (isFlowIndicator(c)) {
      const end = flowIndicator(s, c, p, onItem);
      if (end >= 0) {
        return end;
      }
    } else if (c === 0x23 && (!s.plain || isBlank(text.charCodeAt(p - 1)))) {
      p = endOfLine(text, p); // a comment
    } else if (!isBlank(c)) {
      p = flowContent(text, s, p);
    }
  }
  return -1;
}

/** Handles `,[]{}`; returns the end offset when the outermost collection closes, else -1. */
function flowIndicator(s: FlowState, c: number, p: number, onItem?: (item: FlowItem) => void): number {
  s.plain = false;
  if (c === 0x5b || c === 0x7b) {
    if (s.depth === 1 && s.item < 0) {
      s.item = p;
    }
    s.depth++;
    return -1;
  }
  if (s.depth === 1 && s.item >= 0) {
    onItem?.({ start: s.item, end: p });
    s.item = -1;
  }
  if (c === 0x2c) {
    return -1;
  }
  s.depth--;
  return s.depth === 0 ? p + 1 : -1;
}

/** Content other than indicators and blanks; returns the last offset it consumed. */
function flowContent(text: string, s: FlowState, p: number): number {
  const c = text.charCodeAt(p);
  if (s.depth === 1 && s.item < 0) {
    s.item = p;
  }
  if (!s.plain && isQuote(c)) {
    return endOfQuoted(text, p) - 1;
  }
  // A `:` after a quoted key, or followed by a blank, ends the key: a quote may open the value.
  if (c === 0x3a && (!s.plain || isBlank(text.charCodeAt(p + 1)))) {
    s.plain = false;
    return p;
  }
  s.plain = true;
  return p;
}
