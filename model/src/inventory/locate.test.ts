import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CORE_SCHEMA, dump, load } from 'js-yaml';
import { type Document, isMap, isNode, isScalar, LineCounter, type Node, parseDocument } from 'yaml';
import { generateFleet } from './generate.ts';
import { displayPath, locate } from './locate.ts';

/**
 * The oracle: positions from one position-keeping parse of the whole file, as locate.ts did
 * before it learned to parse one entry at a time. Fine for small files, gigabytes for large ones.
 */
const parsed = new Map<string, { doc: Document; lines: LineCounter }>();

function wholeFileLocate(text: string, keys: readonly (string | number)[]): { line: number; column: number } {
  if (!parsed.has(text)) {
    const lineCounter = new LineCounter();
    parsed.set(text, { doc: parseDocument(text, { lineCounter }), lines: lineCounter });
  }
  const { doc, lines } = parsed.get(text) as { doc: Document; lines: LineCounter };
  const nodeAt = (d: Document, ks: readonly (string | number)[]): Node | undefined => {
    const last = ks.at(-1);
    const parent = d.getIn(ks.slice(0, -1), true);
    if (typeof last === 'string' && isMap(parent)) {
      const pair = parent.items.find((p) => isScalar(p.key) && p.key.value === last);
      if (isScalar(pair?.value)) {
        return pair.value;
      }
      return isNode(pair?.key) ? pair.key : undefined;
    }
    const node = ks.length === 0 ? d.contents : d.getIn(ks, true);
    return isNode(node) ? node : undefined;
  };
  for (let depth = keys.length; depth >= 0; depth--) {
    const node = nodeAt(doc, keys.slice(0, depth));
    if (isNode(node) && node.range) {
      const { line, col } = lines.linePos(node.range[0]);
      return { line, column: col };
    }
  }
  return { line: 1, column: 1 };
}

/** Every path in a value (and one missing child under each mapping), up to `max`. */
function pathsOf(value: unknown, max: number): (string | number)[][] {
  const out: (string | number)[][] = [];
  const walk = (v: unknown, path: (string | number)[]) => {
    if (out.length >= max) {
      return;
    }
    out.push(path);
    if (Array.isArray(v)) {
      for (const [i, child] of v.entries()) {
        walk(child, [...path, i]);
      }
    } else if (typeof v === 'object' && v !== null) {
      out.push([...path, 'missingField']);
      for (const [k, child] of Object.entries(v)) {
        walk(child, [...path, k]);
      }
    }
  };
  walk(value, []);
  return out;
}

const HEADER = 'apiVersion: smartfleet.io/v1alpha1\nkind: Inventory\n';

/** The same kind of inventory laid out every way YAML allows, each a case for the index. */
const LAYOUTS: Record<string, string> = {
  'block, items indented': `${HEADER}sites:\n  - name: a\n    location: { region: seoul, address: x }\n    plan:\n      - { b: 20, s: 100 }\n  - name: b\n    kind: school\n`,
  'block, items at the key’s indent': `${HEADER}sites:\n- name: a\n  kind: school\n- name: b\n  tags:\n  - x\n  - y\n`,
  'comments everywhere': `# head\n${HEADER}# before\nsites: # trailing\n  # between\n  - name: a # here\n    # inside\n    kind: school\n\n  - name: b\n`,
  'block scalars that look like entries': `${HEADER}sites:\n  - name: a\n    notes: |\n      - name: not-an-entry\n      sites:\n    more: >-\n      folded\n  - name: b\n`,
  'quoted scalars over lines': `${HEADER}sites:\n  - name: a\n    address: "first line\n      - name: still quoted\n      end"\n    other: 'it''s\n      fine'\n  - name: b\n`,
  'plain scalars over lines': `${HEADER}sites:\n  - name: a\n    address: a long\n      plain scalar "with a quote\n      and more\n  - name: b\n`,
  'flow sections': `${HEADER}tenants: [{ name: t1, kind: carrier }, { name: "t,2", kind: 'it''s' }]\nsites: [\n  { name: a, location: { region: seoul } },\n  # a comment, with a comma\n  { name: b, tags: [x, "y]"] }\n]\n`,
  'a JSON file': `{"apiVersion": "smartfleet.io/v1alpha1", "kind": "Inventory",\n "sites": [{"name": "a", "location": {"region": "seoul"}},\n  {"name": "b", "x": "a,b]}"}]}\n`,
  'an indented top level': `  apiVersion: smartfleet.io/v1alpha1\n  kind: Inventory\n  sites:\n    - name: a\n      kind: school\n    - name: b\n`,
  'Windows line ends': `${HEADER}sites:\r\n  - name: a\r\n    kind: school\r\n  - name: b\r\n`
    .replace(/\n/g, '\r\n')
    .replace(/\r\r/g, '\r'),
  'anchors and aliases': `${HEADER}defaults:\n  sites: &d\n    kind: school\nsites:\n  - &first\n    name: a\n    window: &w { days: [mon], start: '02:00' }\n  - name: b\n    window: *w\n  - *first\n`,
  'an entry on its own line after the dash': `${HEADER}sites:\n  -\n    name: a\n    kind: school\n  - name: b\n`,
  'a document start and a BOM': `\ufeff%YAML 1.2\n---\n${HEADER}sites:\n  - name: a\n...\n`,
};

describe('locate: one entry at a time agrees with a whole-file parse', () => {
  for (const [name, text] of Object.entries(LAYOUTS)) {
    it(name, () => {
      const value = load(text, { schema: CORE_SCHEMA });
      const paths = pathsOf(value, 400);
      assert.ok(paths.length > 5);
      for (const keys of paths) {
        const at = locate({ file: 'f.yaml', text }, keys);
        assert.deepEqual(
          { line: at.line, column: at.column },
          wholeFileLocate(text, keys),
          `${displayPath(keys) || '(document)'} in ${JSON.stringify(text)}`,
        );
      }
    });
  }

  it('a generated fleet, at every path of a sample of entries', () => {
    const doc = generateFleet({ apartments: 40, schools: 30, seed: 3 });
    const text = dump(doc, { lineWidth: -1, noRefs: true });
    const value = load(text, { schema: CORE_SCHEMA });
    const source = { file: 'f.yaml', text };
    for (const keys of pathsOf(value, 3000).filter((_, i) => i % 3 === 0)) {
      const at = locate(source, keys);
      assert.deepEqual({ line: at.line, column: at.column }, wholeFileLocate(text, keys), displayPath(keys));
    }
  });
});

describe('locate: what it reports when the text cannot say more', () => {
  it('a missing field is located at the entry, and says how deep it found', () => {
    const text = `${HEADER}sites:\n  - name: a\n    kind: school\n`;
    const at = locate({ file: 'f.yaml', text }, ['sites', 0, 'location', 'region']);
    assert.deepEqual(at, { line: 4, column: 5, depth: 2 });
  });

  it('a path through an alias stops at the alias', () => {
    const text = `${HEADER}x: &a [1, [2, 3]]\nsites:\n  - name: a\n    extra: [*a, *a]\n`;
    const at = locate({ file: 'f.yaml', text }, ['sites', 0, 'extra', 1, 1, 0]);
    assert.deepEqual(at, { line: 6, column: 17, depth: 4 });
  });

  it('an entry too large to re-read is located at its start', () => {
    // Over a megabyte of text (a comment here) is more than an entry is re-read for.
    const text = `${HEADER}sites:\n  - name: a\n  - name: b\n    # ${'x'.repeat(1_100_000)}\n    list: [1, 2]\n  - name: c\n`;
    const source = { file: 'f.yaml', text };
    assert.deepEqual(locate(source, ['sites', 1, 'list', 1]), { line: 5, column: 5, depth: 2 });
    // Its neighbours are still exact.
    assert.deepEqual(locate(source, ['sites', 2, 'name']), { line: 8, column: 11, depth: 3 });
  });

  it('displayPath cuts a long field name and a long path short', () => {
    const path = displayPath(['sites', 3, 'x'.repeat(10_000)]);
    assert.ok(path.length <= 200, path);
    assert.match(path, /^sites\[3\]\.x+… \(10000 characters\)$/);
    assert.ok(displayPath(Array.from({ length: 100 }, () => 'y'.repeat(60))).length <= 200);
  });
});
