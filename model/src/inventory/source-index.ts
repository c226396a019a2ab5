/**
 * Where the top-level keys and the section entries of an inventory file are, found by one pass
 * over its lines without building a tree: a handful of numbers per entry, whatever the file's
 * size. locate.ts uses it to parse only the entry a problem is in (a full position-keeping parse
 * of a 60 MB file took 4.2 GB).
 *
 * It reads the layouts YAML allows for an inventory: a block mapping at the top (at any indent)
 * whose sections are block sequences (`- ` items, at any indent) or flow sequences, or a flow
 * mapping at the top (JSON). Block scalars, quoted scalars and flow collections over several
 * lines are stepped over whole, so their content is never mistaken for a key or an entry. It
 * trusts that js-yaml has read the text as valid YAML; should it still lose its way, positions
 * fall back to coarser ones, never to a wrong entry's parse being trusted blindly.
 */
import { endOfFlow, endOfQuoted, type FlowItem, indexBefore, isBlank, isQuote } from './flow-scan.ts';
import { LineTracker, type LineValue, readLine, type ScannedLine } from './source-lines.ts';

/** A top-level key: the offset of its first character, its line (0-based), and where its value ends. */
export interface RootSpan {
  start: number;
  line: number;
  end: number;
  /** A scalar value's first character when it is on the key's line (else -1). */
  value: number;
}

/** The entries of one section, in order: first character (`-` of a block item), line, end. */
export interface EntrySpans {
  starts: number[];
  lines: number[];
  ends: number[];
}

export interface SourceIndex {
  /** The first content of the document. */
  content: { start: number; line: number };
  roots: Map<string, RootSpan>;
  entries: Map<string, EntrySpans>;
}

export interface IndexOptions {
  /** Top-level keys whose entries are recorded. */
  sections: ReadonlySet<string>;
  /** The most entries recorded per section (the entry limit, plus one to point at). */
  maxEntries: number;
}

/** Top-level keys recorded; an inventory has eight kinds, the rest are only ever refused. */
const MAX_ROOT_KEYS = 1024;

function keyName(text: string, start: number, end: number): string {
  const raw = text.slice(start, end).trimEnd();
  if (raw.startsWith('"')) {
    try {
      return JSON.parse(raw) as string;
    } catch {
      return raw.slice(1, -1);
    }
  }
  return raw.startsWith("'") ? raw.slice(1, -1).replaceAll("''", "'") : raw;
}

function newSpans(): EntrySpans {
  return { starts: [], lines: [], ends: [] };
}

class Scanner {
  readonly index: SourceIndex = { content: { start: 0, line: 0 }, roots: new Map(), entries: new Map() };
  readonly #text: string;
  readonly #o: IndexOptions;
  readonly #lines: LineTracker;
  #pos: number;
  #rootIndent = -1;
  #root?: RootSpan;
  /** The current top-level key's block sequence: its indent once seen, its recorded entries. */
  #seq?: { indent?: number; spans?: EntrySpans };
  /** Lines indented more than this continue a plain scalar (-1: none open). */
  #continuation = -1;

  constructor(text: string, options: IndexOptions) {
    this.#text = text;
    this.#o = options;
    this.#lines = new LineTracker(text);
    this.#pos = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  }

  run(): SourceIndex {
    // Each pass consumes at least one line; the count bounds the loop whatever the text.
    for (let guard = 0; this.#pos < this.#text.length && guard <= this.#text.length; guard++) {
      const line = readLine(this.#text, this.#pos);
      this.#pos = line.next;
      this.#line(line);
    }
    this.#closeRoot(this.#text.length);
    return this.index;
  }

  #line(l: ScannedLine): void {
    if (l.blank || l.first === 0x23 /* # */) {
      return;
    }
    if (this.#continuation >= 0 && l.indent > this.#continuation) {
      return;
    }
    this.#continuation = -1;
    if (this.#marker(l)) {
      return;
    }
    if (this.#rootIndent < 0 && this.#start(l)) {
      return;
    }
    if (l.indent === this.#rootIndent && !l.item) {
      this.#rootKey(l);
    } else if (l.indent >= this.#rootIndent) {
      this.#content(l);
    }
  }

  /** `---`, `...` and directives: nothing to record. */
  #marker(l: ScannedLine): boolean {
    const t = this.#text;
    if (l.indent !== 0) {
      return false;
    }
    if (l.first === 0x25 /* % */) {
      return true;
    }
    const three = t.slice(l.start, l.start + 3);
    return (three === '---' || three === '...') && isBlank(t.charCodeAt(l.start + 3));
  }

  /** The first content line: a flow mapping at the top is read whole; otherwise its indent is the top's. */
  #start(l: ScannedLine): boolean {
    const at = l.start + l.indent;
    this.index.content = { start: at, line: this.#lines.lineOf(at) };
    if (l.first === 0x7b /* { */) {
      this.#flowRoot(at);
      this.#pos = this.#text.length;
      return true;
    }
    this.#rootIndent = l.indent;
    return false;
  }

  #closeRoot(end: number): void {
    if (this.#root) {
      this.#root.end = end;
    }
    const spans = this.#seq?.spans;
    if (spans && spans.ends.length < spans.starts.length) {
      spans.ends.push(end);
    }
  }

  #rootKey(l: ScannedLine): void {
    const v = l.value;
    this.#closeRoot(l.start);
    this.#root = undefined;
    this.#seq = undefined;
    const spans = v.keyStart >= 0 ? this.#newRoot(keyName(this.#text, v.keyStart, v.keyEnd), v) : undefined;
    this.#after(l, v.kind === 'flow' ? spans : undefined);
  }

  /** Records a top-level key (the first of a name only); returns its entries if it is a section. */
  #newRoot(name: string, v: LineValue): EntrySpans | undefined {
    if (this.index.roots.has(name) || this.index.roots.size >= MAX_ROOT_KEYS) {
      return undefined;
    }
    const scalar = v.kind === 'plain' || v.kind === 'quoted' ? v.start : -1;
    const span = {
      start: v.keyStart,
      line: this.#lines.lineOf(v.keyStart),
      end: this.#text.length,
      value: scalar,
    };
    this.index.roots.set(name, span);
    this.#root = span;
    const spans = this.#o.sections.has(name) ? newSpans() : undefined;
    if (spans) {
      this.index.entries.set(name, spans);
    }
    this.#seq = { spans };
    return spans;
  }

  #content(l: ScannedLine): void {
    const seq = this.#seq;
    if (seq && l.item) {
      seq.indent ??= l.indent;
      if (l.indent === seq.indent) {
        this.#entry(seq.spans, l.start + l.indent, l.start);
      }
    }
    this.#after(l);
  }

  #entry(spans: EntrySpans | undefined, start: number, previousEnd: number): void {
    if (!spans || spans.starts.length >= this.#o.maxEntries) {
      return;
    }
    if (spans.ends.length < spans.starts.length) {
      spans.ends.push(previousEnd);
    }
    spans.starts.push(start);
    spans.lines.push(this.#lines.lineOf(start));
  }

  /** Steps over what the line opens that runs on: a block scalar, a quoted or flow value, plain text. */
  #after(l: ScannedLine, flowEntries?: EntrySpans): void {
    const v: LineValue = l.value;
    if (v.kind === 'plain') {
      this.#continuation = v.owner;
    } else if (v.kind === 'block') {
      this.#skipBlockScalar(v.owner);
    } else if (v.kind === 'quoted') {
      this.#skipTo(endOfQuoted(this.#text, v.start), l);
    } else if (v.kind === 'flow') {
      const record = flowEntries ? (item: FlowItem) => this.#flowEntry(flowEntries, item) : undefined;
      this.#skipTo(endOfFlow(this.#text, v.start, record), l);
    }
  }

  #flowEntry(spans: EntrySpans, item: FlowItem): void {
    if (spans.starts.length < this.#o.maxEntries) {
      spans.starts.push(item.start);
      spans.lines.push(this.#lines.lineOf(item.start));
      spans.ends.push(item.end);
    }
  }

  /** Continues after the line holding `end` (or stops, when a construct never closes). */
  #skipTo(end: number, l: ScannedLine): void {
    if (end < 0) {
      this.#pos = this.#text.length;
    } else if (end > l.end) {
      const eol = this.#text.indexOf('\n', end);
      this.#pos = eol < 0 ? this.#text.length : eol + 1;
    }
  }

  #skipBlockScalar(owner: number): void {
    for (let guard = 0; this.#pos < this.#text.length && guard <= this.#text.length; guard++) {
      const line = readLine(this.#text, this.#pos);
      if (!line.blank && line.indent <= owner) {
        return;
      }
      this.#pos = line.next;
    }
  }

  #flowRoot(start: number): void {
    const entries: FlowItem[] = [];
    endOfFlow(this.#text, start, (item) => {
      if (entries.length < MAX_ROOT_KEYS) {
        entries.push(item);
      }
    });
    for (const entry of entries) {
      this.#flowRootEntry(entry);
    }
  }

  /** One `key: value` of a top-level flow mapping; a section's flow list has its entries recorded. */
  #flowRootEntry({ start, end }: FlowItem): void {
    const t = this.#text;
    const keyEnd = isQuote(t.charCodeAt(start)) ? endOfQuoted(t, start) : indexBefore(t, 0x3a, start, end);
    const colon = keyEnd < 0 ? -1 : indexBefore(t, 0x3a, keyEnd, end);
    const name = colon < 0 ? '' : keyName(t, start, keyEnd);
    if (colon < 0 || this.index.roots.has(name)) {
      return;
    }
    let value = colon + 1;
    while (value < end && isBlank(t.charCodeAt(value))) {
      value++;
    }
    const line = this.#lines.lineOf(start);
    const c = t.charCodeAt(value);
    const flow = c === 0x5b /* [ */ || c === 0x7b; /* { */
    const scalar = flow || this.#lines.lineOf(value) !== line ? -1 : value;
    this.index.roots.set(name, { start, line, end, value: scalar });
    if (this.#o.sections.has(name) && c === 0x5b) {
      const spans = newSpans();
      this.index.entries.set(name, spans);
      endOfFlow(t, value, (item) => this.#flowEntry(spans, item));
    }
  }
}

export function indexSource(text: string, options: IndexOptions): SourceIndex {
  return new Scanner(text, options).run();
}

/** The top-level key, and the entry when it is in a section's, that an offset falls in. */
export function pathAt(index: SourceIndex, offset: number): (string | number)[] {
  for (const [name, root] of index.roots) {
    if (offset < root.start || offset >= root.end) {
      continue;
    }
    const spans = index.entries.get(name);
    const i = spans ? lastAtOrBefore(spans.starts, offset) : -1;
    return spans && i >= 0 && offset < (spans.ends[i] ?? root.end) ? [name, i] : [name];
  }
  return [];
}

function lastAtOrBefore(sorted: readonly number[], offset: number): number {
  let lo = 0;
  let hi = sorted.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if ((sorted[mid] as number) <= offset) {
      found = mid;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  return found;
}
