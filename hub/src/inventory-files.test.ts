import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { INVENTORY_LIMITS, InventoryError } from '@smart-fleet/model';
import { readInventoryFiles } from './inventory-files.ts';

describe('readInventoryFiles', () => {
  const dir = mkdtempSync(join(tmpdir(), 'inventory-files-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('reads every *.yaml and *.yml of a folder, sorted', () => {
    writeFileSync(join(dir, 'b.yaml'), 'b: 1\n');
    writeFileSync(join(dir, 'a.yml'), 'a: 1\n');
    writeFileSync(join(dir, 'notes.txt'), 'not an inventory\n');
    const files = readInventoryFiles([dir]);
    assert.deepEqual(
      files.map((f) => [f.file, f.text]),
      [
        [join(dir, 'a.yml'), 'a: 1\n'],
        [join(dir, 'b.yaml'), 'b: 1\n'],
      ],
    );
  });

  it('refuses a file over the size limit before reading it, in the loader’s words', () => {
    // A sparse 8 GiB file: reading it would fail (or take minutes); the size alone refuses it.
    const huge = join(mkdtempSync(join(dir, 'huge-')), 'fleet.yaml');
    writeFileSync(huge, '');
    truncateSync(huge, 8 * 1024 ** 3);
    assert.throws(
      () => readInventoryFiles([huge]),
      (error: unknown) => {
        assert.ok(error instanceof InventoryError);
        assert.equal(error.problems.length, 1);
        assert.equal(error.problems[0]?.file, huge);
        assert.match(
          error.message,
          new RegExp(
            `the file is 8192\\.0 MiB \\(8589934592 bytes\\), over the limit of 64\\.0 MiB \\(${INVENTORY_LIMITS.fileBytes} bytes\\)`,
          ),
        );
        return true;
      },
    );
  });
});
