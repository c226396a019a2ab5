import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { readMpeg7 } from './mpeg7-reader.ts';
import { sampleTitle } from './mpeg7-test-support.ts';
import { writeMpeg7 } from './mpeg7-writer.ts';

const MAIN = fileURLToPath(new URL('./main.ts', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'mpeg7-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function mpeg7(...args: string[]) {
  const run = spawnSync(process.execPath, [MAIN, ...args], { encoding: 'utf8', timeout: 30_000 });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe('npm run mpeg7', () => {
  it('import prints the spec fragment of an MPEG-7 file', () => {
    const file = join(dir, 'title.xml');
    writeFileSync(file, writeMpeg7(sampleTitle()));
    const run = mpeg7('import', file);
    assert.equal(run.status, 0, run.stderr);
    const { mpeg7: description, renditions } = sampleTitle();
    assert.deepEqual(JSON.parse(run.stdout), { mpeg7: description, renditions });
  });

  it('export writes MPEG-7 for a ContentTitle, which imports back to its spec', () => {
    const { mpeg7: description, renditions } = sampleTitle();
    const object = {
      apiVersion: 'smartfleet.io/v1alpha1',
      kind: 'ContentTitle',
      metadata: { name: 'seoul-by-night' },
      spec: { owner: 'public-broadcaster', mpeg7: description, renditions },
    };
    const input = join(dir, 'title.json');
    const out = join(dir, 'exported.xml');
    writeFileSync(input, JSON.stringify(object));
    const run = mpeg7('export', input, '--out', out);
    assert.equal(run.status, 0, run.stderr);
    const back = readMpeg7(readFileSync(out), out);
    assert.deepEqual({ mpeg7: back.mpeg7, renditions: back.renditions }, { mpeg7: description, renditions });
  });

  it('refuses a hostile file with status 1, naming file, line and element', () => {
    const file = join(dir, 'xxe.xml');
    writeFileSync(
      file,
      '<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>\n<x>&e;</x>',
    );
    const run = mpeg7('import', file);
    assert.equal(run.status, 1);
    assert.match(
      run.stderr,
      new RegExp(
        `${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:2:1: \\(document\\): a DOCTYPE is not accepted`,
      ),
    );
    assert.equal(run.stdout, '');
  });

  it('refuses an invalid ContentTitle with status 1, and a usage mistake with status 2', () => {
    const input = join(dir, 'invalid.json');
    writeFileSync(input, JSON.stringify({ kind: 'ContentTitle', spec: { owner: 'x' } }));
    const invalid = mpeg7('export', input);
    assert.equal(invalid.status, 1);
    assert.match(invalid.stderr, /not a valid ContentTitle spec: spec\.mpeg7: is required/);
    const usage = mpeg7('transcode', input);
    assert.equal(usage.status, 2);
    assert.match(usage.stderr, /usage: npm run mpeg7 -- import FILE/);
  });
});
