import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatInventoryProblem, type InventoryProblem } from './document.ts';
import { hostileCases, largeFleetWithOneBadSite, positionOf, SITE } from './hostile-cases.ts';
import { INVENTORY_LIMITS } from './limits.ts';
import { parseInventory } from './parse.ts';

const HEADER = 'apiVersion: smartfleet.io/v1alpha1\nkind: Inventory\n';
/** Longest a formatted problem may be: file, position, a bounded path, object and message. */
const MAX_LINE = 900;

function refused(text: string, file = 'hostile.yaml'): InventoryProblem[] {
  const result = parseInventory([{ file, text }]);
  assert.equal(result.inventory, undefined, 'a refused inventory gives no objects at all');
  assert.ok(result.problems.length > 0);
  for (const p of result.problems) {
    const line = formatInventoryProblem(p);
    assert.ok(line.length <= MAX_LINE, `a ${line.length}-character problem: ${line.slice(0, 300)}`);
  }
  return result.problems;
}

describe('hostile inventories are refused at the right place, in a few words', () => {
  for (const c of hostileCases()) {
    it(c.name, () => {
      const problems = refused(c.text);
      const found = problems.find((p) => p.path === c.want.path);
      const said = problems.map((p) => formatInventoryProblem(p).slice(0, 300)).join('\n');
      assert.ok(found, `no problem at ${c.want.path}; got:\n${said}`);
      assert.deepEqual(
        { file: found.file, line: found.line, column: found.column },
        { file: 'hostile.yaml', line: c.want.line, column: c.want.column },
        said,
      );
      assert.match(found.message, c.want.message);
    });
  }
});

describe('size limits, checked before parsing', () => {
  it('a file over the per-file limit is refused, naming its size and the limit', () => {
    const text = `${HEADER}#${'x'.repeat(INVENTORY_LIMITS.fileBytes)}\n`;
    const [p, ...rest] = refused(text, 'big.yaml');
    assert.deepEqual(rest, []);
    assert.deepEqual(
      { file: p?.file, line: p?.line, column: p?.column, path: p?.path },
      {
        file: 'big.yaml',
        line: 1,
        column: 1,
        path: '(file)',
      },
    );
    assert.match(
      p?.message ?? '',
      new RegExp(
        `^the file is 64\\.0 MiB \\(${text.length} bytes\\), over the limit of 64\\.0 MiB \\(67108864 bytes\\)`,
      ),
    );
  });

  it('bytes, not characters: three-byte characters count three times', () => {
    const text = `${HEADER}# ${'한'.repeat(Math.ceil(INVENTORY_LIMITS.fileBytes / 3))}\n`;
    assert.ok(text.length < INVENTORY_LIMITS.fileBytes);
    assert.match(refused(text)[0]?.message ?? '', /over the limit of 64\.0 MiB/);
  });

  it('files together over the total are refused at the file that crosses it', () => {
    const part = `${HEADER}#${'x'.repeat(50 * 1024 * 1024)}\n`;
    const result = parseInventory([
      { file: 'a.yaml', text: part },
      { file: 'b.yaml', text: part },
      { file: 'c.yaml', text: part },
    ]);
    assert.equal(result.inventory, undefined);
    assert.deepEqual(
      result.problems.map((p) => [p.file, p.path]),
      [['c.yaml', '(file)']],
    );
    assert.match(
      result.problems[0]?.message ?? '',
      /over the limit of 128\.0 MiB \(134217728 bytes\) for all its files/,
    );
  });

  it('a file just within the limit is read', () => {
    const text = `${HEADER}tenants: []\n#${'x'.repeat(INVENTORY_LIMITS.fileBytes - HEADER.length - 16)}\n`;
    assert.ok(Buffer.byteLength(text) <= INVENTORY_LIMITS.fileBytes);
    const result = parseInventory([{ file: 'f.yaml', text }]);
    assert.deepEqual(result.problems, []);
  });
});

describe('the problem count', () => {
  it('checking stops after the problem limit, saying so where it stopped', () => {
    const bad = SITE.replace('subscriberCap: 800', 'subscriberCap: 0');
    const count = INVENTORY_LIMITS.problems + 200;
    const text = `${HEADER}sites:\n${Array.from({ length: count }, (_, i) => bad.replace('00001', String(i).padStart(5, '0'))).join('')}`;
    const problems = refused(text);
    assert.equal(problems.length, INVENTORY_LIMITS.problems + 1);
    const last = problems.at(-1);
    assert.equal(last?.path, '(inventory)');
    assert.match(last?.message ?? '', /checking stopped after 1000/);
    // Where the next problem would have been: the 1,001st bad value.
    const next = positionOf(text, 'subscriberCap: 0', INVENTORY_LIMITS.problems);
    assert.deepEqual(
      { line: last?.line, column: last?.column },
      { line: next.line, column: next.column + 'subscriberCap: '.length },
    );
  });
});

describe('a large file with one bad site', () => {
  it('is located exactly, entry by entry', () => {
    const { text, want } = largeFleetWithOneBadSite(4);
    const problems = refused(text, 'national.yaml');
    assert.equal(problems.length, 1, JSON.stringify(problems));
    const [p] = problems;
    assert.deepEqual(
      { line: p?.line, column: p?.column, path: p?.path },
      { line: want.line, column: want.column, path: want.path },
    );
    assert.match(p?.message ?? '', want.message);
  });
});
