import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CORE_SCHEMA, dump, load } from 'js-yaml';
import { boundedLoad } from './bounded-load.ts';
import { generateFleet } from './generate.ts';

/** The expanded size the slow way: walk the loaded value as a tree (keys count as nodes). */
function walk(value: unknown): { nodes: number; chars: number; depth: number } {
  if (typeof value !== 'object' || value === null) {
    return { nodes: 1, chars: typeof value === 'string' ? value.length : 0, depth: 1 };
  }
  const total = { nodes: 1, chars: 0, depth: 1 };
  const entries = Array.isArray(value) ? value.map((v) => [undefined, v] as const) : Object.entries(value);
  for (const [key, child] of entries) {
    const m = walk(child);
    total.nodes += m.nodes + (key === undefined ? 0 : 1);
    total.chars += m.chars + (key?.length ?? 0);
    total.depth = Math.max(total.depth, m.depth + 1);
  }
  return total;
}

function measured(text: string) {
  const result = boundedLoad(text, 'f.yaml');
  assert.ok('value' in result, JSON.stringify('refusal' in result && result.refusal));
  return {
    counted: result.sizes.known(result.value as object),
    walked: walk(load(text, { schema: CORE_SCHEMA })),
  };
}

describe('boundedLoad counts what a tree walk counts, without walking a tree', () => {
  const cases: [string, string][] = [
    ['a generated fleet', dump(generateFleet({ apartments: 30, schools: 20, seed: 2 }), { lineWidth: -1 })],
    ['block anchors and aliases', 'a: &x\n  k: 1\n  j: [1, 2, 3]\nb: *x\nc:\n  - *x\n  - z: *x\n'],
    ['an anchor on an entry and on a scalar', 'l:\n  - &i\n    n: 1\n  - *i\n  - &s text\n  - *s\n'],
    ['a compact entry with an anchor', 'l:\n  - &i n: 1\n    m: 2\n  - *i\n'],
    ['tags with anchors', 'a: &t !!seq [1]\nb: *t\nc: !!map &u {x: 1}\nd: *u\n'],
    ['block scalars and quoted text', 'k: |\n  text\n  more\nl: >-\n  folded\nm: "multi\n  line"\n'],
  ];
  for (const [name, text] of cases) {
    it(name, () => {
      const { counted, walked } = measured(text);
      assert.deepEqual(counted, walked);
    });
  }

  it('flow collections count within a node or two of the walk (js-yaml opens a node it discards)', () => {
    const { counted, walked } = measured('{ "a": [1, 2, {"b": "c"}], "d": { "e": null } }');
    assert.ok(counted);
    assert.ok(
      counted.nodes >= walked.nodes && counted.nodes <= walked.nodes + 2,
      JSON.stringify({ counted, walked }),
    );
  });

  it('an alias to a finished anchor is never taken for a cycle, in any layout', () => {
    for (const text of [
      'a: [&a {x: 1}, *a]\nb: {c: &b [1], d: *b}\n',
      'k: &s\n  - 1\n  - 2\nj: *s\n',
      'a: &x [1]\nb: *x\nc: &x {y: 2}\nd: *x\n',
      'a: &k key\n*k : 2\n',
      '? &e [a]\n: 1\nb: *e\n',
    ]) {
      const result = boundedLoad(text, 'f.yaml');
      assert.ok(
        'value' in result,
        `${JSON.stringify(text)}: ${JSON.stringify('refusal' in result && result.refusal)}`,
      );
    }
  });
});
