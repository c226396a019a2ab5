/**
 * One inventory file read into a value, or refused: loaded within the expansion limits
 * (bounded-load.ts), then its header checked (apiVersion, kind, known sections, namespace). Values
 * a problem quotes go through `quote`, so no message grows with the input.
 */
import { quote } from '../validation/echo.ts';
import { validateName } from '../validation/validate.ts';
import { boundedLoad, type LoadRefusal } from './bounded-load.ts';
import { INVENTORY_API_VERSION, INVENTORY_KIND } from './document.ts';
import type { ExpandedSizes } from './expanded-size.ts';
import { displayPath, indexOf, type SourceFile } from './locate.ts';
import type { ProblemSink } from './problem-sink.ts';
import { SECTION_KEYS } from './sections.ts';
import { pathAt } from './source-index.ts';

export interface InventoryInput {
  file: string;
  text: string;
}

export interface ReadFile {
  source: SourceFile;
  body: Record<string, unknown>;
  sizes: ExpandedSizes;
}

const TOP_LEVEL_KEYS = new Set(['apiVersion', 'kind', 'namespace', 'defaults', ...SECTION_KEYS]);

/** The first content at or after `offset`: js-yaml opens a node before the blanks ahead of it. */
function contentFrom(text: string, offset: number): number {
  let p = offset;
  for (let guard = 0; guard < text.length && p < text.length; guard++) {
    const c = text.charCodeAt(p);
    if (c === 0x23 /* # */) {
      const eol = text.indexOf('\n', p);
      p = eol < 0 ? text.length : eol;
    } else if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) {
      p++;
    } else {
      break;
    }
  }
  return p;
}

function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let nl = text.indexOf('\n'); nl >= 0 && nl < offset; nl = text.indexOf('\n', nl + 1)) {
    line++;
    lineStart = nl + 1;
  }
  return { line, column: offset - lineStart + 1 };
}

function refuse(source: SourceFile, refusal: LoadRefusal, sink: ProblemSink): void {
  if (refusal.kind === 'yaml') {
    const { line = 1, column = 1 } = refusal;
    sink.push({ file: source.file, line, column, path: '(yaml)', message: refusal.message });
    return;
  }
  const at = contentFrom(source.text, refusal.offset);
  const path = displayPath(pathAt(indexOf(source), at)) || '(document)';
  sink.push({ file: source.file, ...lineAndColumn(source.text, at), path, message: refusal.message });
}

export function readSource(input: InventoryInput, sink: ProblemSink): ReadFile | undefined {
  const source: SourceFile = { file: input.file, text: input.text };
  const loaded = boundedLoad(input.text, input.file);
  if ('refusal' in loaded) {
    refuse(source, loaded.refusal, sink);
    return undefined;
  }
  const body = loaded.value;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    sink.add(
      source,
      [],
      `expected a mapping with apiVersion: ${INVENTORY_API_VERSION} and kind: ${INVENTORY_KIND}`,
    );
    return undefined;
  }
  return { source, body: body as Record<string, unknown>, sizes: loaded.sizes };
}

export function checkHeader({ source, body }: ReadFile, sink: ProblemSink): void {
  if (body.apiVersion !== INVENTORY_API_VERSION) {
    sink.add(source, ['apiVersion'], `must be ${INVENTORY_API_VERSION}, not ${quote(body.apiVersion)}`);
  }
  if (body.kind !== INVENTORY_KIND) {
    sink.add(source, ['kind'], `must be ${INVENTORY_KIND}, not ${quote(body.kind)}`);
  }
  for (const key of Object.keys(body)) {
    if (!TOP_LEVEL_KEYS.has(key)) {
      sink.add(source, [key], `unknown section (known: ${[...TOP_LEVEL_KEYS].join(', ')})`);
    }
  }
  if (body.namespace !== undefined) {
    for (const p of validateName(body.namespace, 'namespace')) {
      sink.add(source, ['namespace'], p.message);
    }
  }
}

export function namespaceOf(sources: readonly ReadFile[], fallback: string, sink: ProblemSink): string {
  const declared = sources.filter((s) => typeof s.body.namespace === 'string');
  const namespace = (declared[0]?.body.namespace as string | undefined) ?? fallback;
  for (const s of declared) {
    if (s.body.namespace !== namespace) {
      sink.add(
        s.source,
        ['namespace'],
        `files disagree on the namespace: ${quote(namespace)} and ${quote(s.body.namespace)}`,
      );
    }
  }
  return namespace;
}
