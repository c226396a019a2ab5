/**
 * Untrusted XML into a small element tree, with every dimension bounded before it can cost
 * anything: bytes, depth, element count, attributes per element, text and attribute lengths.
 * saxes does the parsing (strict XML 1.0, namespaces, line/column tracking); on top of it:
 * - a DOCTYPE is refused the moment it is seen, so nothing is ever declared: no internal
 *   entities (billion laughs), no external ones (`SYSTEM "file:///etc/passwd"`). saxes knows
 *   only the five predefined entities, so a reference to any other is refused as undefined;
 * - only UTF-8 is read (a Buffer is decoded strictly; a declared other encoding is refused);
 * - each element records where it starts and its path (`A/B/C[2]`), so every later refusal
 *   names line, column and element.
 * Comments and processing instructions are skipped; CDATA counts as text.
 */
import { SaxesParser, type SaxesTagNS } from 'saxes';
import { Mpeg7Error, type Mpeg7ErrorCode } from './mpeg7-error.ts';

export interface XmlLimits {
  maxBytes: number;
  maxDepth: number;
  maxElements: number;
  maxAttributes: number;
  maxAttributeChars: number;
  /** Characters of text directly inside one element. */
  maxTextChars: number;
}

export interface XmlName {
  uri: string;
  local: string;
}

export interface XmlElement extends XmlName {
  /** Attributes by `local` (no namespace) or `{uri}local`. */
  attributes: ReadonlyMap<string, string>;
  /** xsi:type, its QName resolved in the scope of this element. */
  xsiType?: XmlName;
  children: XmlElement[];
  text: string;
  line: number;
  column: number;
  path: string;
}

export const XSI_NAMESPACE = 'http://www.w3.org/2001/XMLSchema-instance';
const XMLNS_NAMESPACE = 'http://www.w3.org/2000/xmlns/';

interface Open {
  element: XmlElement;
  /** How many children of each name so far, for the `[n]` in their paths. */
  seen: Map<string, number>;
}

function decode(input: string | Uint8Array, file: string, limits: XmlLimits): string {
  const bytes = typeof input === 'string' ? Buffer.byteLength(input, 'utf8') : input.byteLength;
  const start = { file, line: 1, column: 1, path: '' };
  if (bytes > limits.maxBytes) {
    throw new Mpeg7Error(
      'too-large',
      `the document is ${bytes} bytes; at most ${limits.maxBytes} are read`,
      start,
    );
  }
  if (typeof input === 'string') {
    return input;
  }
  try {
    // A UTF-8 byte order mark is dropped (TextDecoder does by default), as XML allows.
    return new TextDecoder('utf-8', { fatal: true }).decode(input);
  } catch {
    throw new Mpeg7Error('encoding', 'the document is not valid UTF-8', start);
  }
}

/** 1-based line and column of a string index (for the DOCTYPE, which saxes reports at its end). */
function positionOf(text: string, index: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < index; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: index - lineStart + 1 };
}

class TreeBuilder {
  readonly #parser: SaxesParser<{ xmlns: true; position: true }>;
  readonly #file: string;
  readonly #limits: XmlLimits;
  readonly #text: string;
  readonly #stack: Open[] = [];
  #root: XmlElement | undefined;
  #count = 0;
  /** Where the last markup ended: a DOCTYPE starts after it. */
  #lastEnd = 0;
  /** Where the tag being opened starts (its attributes may span lines). */
  #tagStart = { line: 1, column: 1 };
  #lastClosed: string | undefined;

  constructor(text: string, file: string, limits: XmlLimits) {
    this.#text = text;
    this.#file = file;
    this.#limits = limits;
    this.#parser = new SaxesParser({ xmlns: true, position: true, fileName: file });
    const p = this.#parser;
    p.on('xmldecl', (decl) => {
      if (decl.encoding !== undefined && !/^utf-?8$/i.test(decl.encoding)) {
        this.#fail(
          'encoding',
          `the document declares encoding ${JSON.stringify(decl.encoding.slice(0, 32))}; only UTF-8 is read`,
        );
      }
      this.#lastEnd = p.position;
    });
    p.on('comment', () => {
      this.#lastEnd = p.position;
    });
    p.on('processinginstruction', () => {
      this.#lastEnd = p.position;
    });
    p.on('doctype', () => this.#doctype());
    p.on('opentagstart', (tag) => this.#checkOpen(tag.name));
    p.on('opentag', (tag) => this.#open(tag));
    p.on('closetag', () => {
      this.#lastClosed = this.#stack.pop()?.element.path;
    });
    p.on('text', (text) => this.#addText(text));
    p.on('cdata', (text) => this.#addText(text));
    p.on('error', (error) => {
      // saxes prefixes file:line:col; ours carries them separately.
      const detail = error.message.replace(/^.*?\d+:\d+: /, '');
      // A mismatched end tag is reported once saxes has closed the element it ends.
      const path = detail.startsWith('unexpected close tag') ? this.#lastClosed : undefined;
      this.#fail('not-well-formed', detail, undefined, path);
    });
  }

  parse(): XmlElement {
    this.#parser.write(this.#text).close();
    if (!this.#root) {
      this.#fail('missing', 'the document has no root element');
    }
    return this.#root as XmlElement;
  }

  #path(): string {
    return this.#stack.at(-1)?.element.path ?? '';
  }

  #fail(code: Mpeg7ErrorCode, detail: string, at?: { line: number; column: number }, path?: string): never {
    const here = at ?? { line: this.#parser.line, column: this.#parser.column };
    throw new Mpeg7Error(code, detail, { file: this.#file, ...here, path: path ?? this.#path() });
  }

  #doctype(): never {
    const start = this.#text.indexOf('<!DOCTYPE', this.#lastEnd);
    this.#fail(
      'doctype',
      'a DOCTYPE is not accepted (no DTDs, so no entity declarations, internal or external)',
      positionOf(this.#text, start === -1 ? this.#lastEnd : start),
    );
  }

  #checkOpen(name: string): void {
    if (this.#stack.length + 1 > this.#limits.maxDepth) {
      this.#fail(
        'too-deep',
        `<${name.slice(0, 64)}> is nested deeper than ${this.#limits.maxDepth} elements`,
      );
    }
    if (++this.#count > this.#limits.maxElements) {
      this.#fail('too-many-elements', `the document has more than ${this.#limits.maxElements} elements`);
    }
    // saxes stands one past the character after the name: step back to the '<'.
    this.#tagStart = { line: this.#parser.line, column: Math.max(1, this.#parser.column - name.length - 1) };
  }

  #attributes(tag: SaxesTagNS, path: string): Map<string, string> {
    const out = new Map<string, string>();
    const all = Object.values(tag.attributes).filter((a) => a.uri !== XMLNS_NAMESPACE);
    const max = this.#limits.maxAttributes;
    if (all.length > max) {
      this.#fail(
        'too-many-attributes',
        `<${tag.local}> has ${all.length} attributes; at most ${max}`,
        this.#tagStart,
        path,
      );
    }
    for (const a of all) {
      if (a.value.length > this.#limits.maxAttributeChars) {
        const detail = `attribute ${a.name.slice(0, 64)} is ${a.value.length} characters; at most ${this.#limits.maxAttributeChars}`;
        this.#fail('overlong', detail, this.#tagStart, path);
      }
      out.set(a.uri ? `{${a.uri}}${a.local}` : a.local, a.value);
    }
    return out;
  }

  #xsiType(attributes: ReadonlyMap<string, string>, path: string): XmlName | undefined {
    const value = attributes.get(`{${XSI_NAMESPACE}}type`)?.trim();
    if (value === undefined) {
      return undefined;
    }
    const [prefix, local] = value.includes(':') ? value.split(':', 2) : ['', value];
    const uri = this.#parser.resolve(prefix ?? '');
    if (uri === undefined) {
      const detail = `xsi:type ${JSON.stringify(value.slice(0, 64))} uses an undeclared prefix`;
      this.#fail('unknown-value', detail, this.#tagStart, path);
    }
    return { uri, local: local ?? '' };
  }

  #open(tag: SaxesTagNS): void {
    const parent = this.#stack.at(-1);
    const index = (parent?.seen.get(tag.local) ?? 0) + 1;
    parent?.seen.set(tag.local, index);
    const name = index > 1 ? `${tag.local}[${index}]` : tag.local;
    const path = parent ? `${parent.element.path}/${name}` : name;
    const attributes = this.#attributes(tag, path);
    const element: XmlElement = {
      uri: tag.uri,
      local: tag.local,
      attributes,
      xsiType: this.#xsiType(attributes, path),
      children: [],
      text: '',
      ...this.#tagStart,
      path,
    };
    if (parent) {
      parent.element.children.push(element);
    } else {
      this.#root = element;
    }
    // A self-closing tag gets its closetag event too, which pops it.
    this.#stack.push({ element, seen: new Map() });
  }

  #addText(text: string): void {
    const open = this.#stack.at(-1);
    if (!open) {
      return; // whitespace around the root
    }
    if (open.element.text.length + text.length > this.#limits.maxTextChars) {
      this.#fail(
        'overlong',
        `the text of <${open.element.local}> is over ${this.#limits.maxTextChars} characters`,
      );
    }
    open.element.text += text;
  }
}

/** Parses `input` (a string, or UTF-8 bytes) into its root element; throws Mpeg7Error. */
export function parseBoundedXml(input: string | Uint8Array, file: string, limits: XmlLimits): XmlElement {
  return new TreeBuilder(decode(input, file, limits), file, limits).parse();
}
