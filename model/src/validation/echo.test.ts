import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { boundPath, elide, MAX_PATH_CHARS, quote } from './echo.ts';
import { problem } from './problem.ts';

describe('quote: a value as a message may repeat it', () => {
  const cyclic: Record<string, unknown> = {};
  cyclic.self = cyclic;
  const cases: [string, unknown, string][] = [
    ['a short string, in quotes', 'mars', '"mars"'],
    ['a long string, cut with its length', 'x'.repeat(1000), `"${'x'.repeat(64)}"… (1000 characters)`],
    ['a number', 4000, '4000'],
    ['a boolean', true, 'true'],
    ['null', null, 'null'],
    ['nothing', undefined, 'nothing'],
    ['a list, by its length only', [1, 2, 3], 'a list of 3'],
    ['a mapping, never walked (even a cyclic one)', cyclic, 'a mapping'],
  ];
  for (const [name, value, want] of cases) {
    it(name, () => assert.equal(quote(value), want));
  }
});

describe('elide and boundPath', () => {
  it('leaves short text alone and cuts long text to the limit, saying how long it was', () => {
    assert.equal(elide('short', 10), 'short');
    const cut = elide('y'.repeat(10_000), 100);
    assert.equal(cut.length, 100);
    assert.match(cut, /^y+… \(10000 characters\)$/);
  });

  it('cuts a long field name inside a path on its own, keeping the rest', () => {
    const path = boundPath(`spec.location.${'z'.repeat(5000)}`);
    assert.ok(path.length <= MAX_PATH_CHARS);
    assert.match(path, /^spec\.location\.z+… \(5000 characters\)$/);
  });

  it('problem() bounds both path and message, whatever it is given', () => {
    const p = problem(`spec.${'k'.repeat(1e6)}`, `bad: ${'v'.repeat(1e6)}`);
    assert.ok(p.path.length <= MAX_PATH_CHARS);
    assert.ok(p.message.length <= 400);
    assert.match(p.message, /^bad: v+… \(1000005 characters\)$/);
  });
});
