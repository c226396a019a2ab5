/**
 * The breaking-change check against the main branch's merge base: the code against this
 * repository's own base (every break recorded as intended), and, in throwaway git repositories,
 * a break a developer hid by regenerating the checked-in file, a shallow clone, no git at all.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { buildSchema } from 'graphql';
import { schema } from '../src/schema/index.ts';
import { acknowledgedChanges, judgeSchema, mergeBaseSchema } from './schema-base.ts';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const EXPORT_SCRIPT = fileURLToPath(new URL('./export-schema.ts', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'schema-base-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.invalid', ...args], {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });

/** A repository whose main has `Query { a b }` and whose branch `feature` removed `b`, file regenerated. */
let hiddenBreak: string | undefined;
function repoWithHiddenBreak(): string {
  if (hiddenBreak) {
    return hiddenBreak;
  }
  const dir = join(scratch, 'repo');
  hiddenBreak = dir;
  mkdirSync(join(dir, 'api'), { recursive: true });
  git(dir, 'init', '-q', '-b', 'main');
  writeFileSync(join(dir, 'api/schema.graphql'), 'type Query {\n  a: Int\n  b: Int\n}');
  git(dir, 'add', '.');
  git(dir, 'commit', '-q', '-m', 'schema');
  git(dir, 'checkout', '-q', '-b', 'feature');
  writeFileSync(join(dir, 'api/schema.graphql'), 'type Query {\n  a: Int\n}');
  git(dir, 'commit', '-q', '-am', 'b removed, schema regenerated');
  return dir;
}

test("the code breaks nothing against main's merge base that api/schema-breaking-changes.json does not record", (t) => {
  const base = mergeBaseSchema({ cwd: REPO });
  if (!base.available) {
    t.skip(`no merge base to compare with: ${base.reason}`);
    return;
  }
  const verdict = judgeSchema({ checkedIn: undefined, base, acknowledged: acknowledgedChanges(), schema });
  assert.deepEqual(
    verdict.unacknowledged,
    [],
    'breaking API change against main: if intended, run npm run api:schema -- --allow-breaking',
  );
});

test('a break hidden by regenerating the checked-in file is caught against the base, unless recorded', () => {
  const dir = repoWithHiddenBreak();
  const base = mergeBaseSchema({ cwd: dir });
  assert.ok(base.available, JSON.stringify(base));
  assert.equal(base.commit, git(dir, 'rev-parse', 'main').trim());
  const next = buildSchema('type Query { a: Int }');
  const checkedIn = 'type Query {\n  a: Int\n}\n';
  const verdict = judgeSchema({ checkedIn, base, acknowledged: new Set(), schema: next });
  assert.deepEqual(verdict.againstFile, [], 'the regenerated file hides it');
  assert.deepEqual(verdict.unacknowledged, ['FIELD_REMOVED: Query.b was removed.']);
  const meant = judgeSchema({ checkedIn, base, acknowledged: new Set(verdict.againstBase), schema: next });
  assert.deepEqual(meant.unacknowledged, []);
});

test('a shallow clone, a directory outside git and a missing git each say why there is no base', () => {
  const origin = repoWithHiddenBreak();
  const shallow = join(scratch, 'shallow');
  git(
    scratch,
    'clone',
    '-q',
    '--depth',
    '1',
    '--single-branch',
    '--branch',
    'feature',
    `file://${origin}`,
    shallow,
  );
  const fromShallow = mergeBaseSchema({ cwd: shallow });
  assert.equal(fromShallow.available, false);
  assert.match(
    fromShallow.available ? '' : fromShallow.reason,
    /shallow clone.*git fetch --unshallow origin main/,
  );
  const outside = mkdtempSync(join(tmpdir(), 'schema-base-no-git-'));
  try {
    assert.deepEqual(mergeBaseSchema({ cwd: outside }), {
      available: false,
      reason: 'not in a git work tree',
    });
  } finally {
    rmSync(outside, { recursive: true, force: true });
  }
  assert.deepEqual(mergeBaseSchema({ cwd: origin, git: join(scratch, 'no-such-git') }), {
    available: false,
    reason: 'git is not installed',
  });
});

test('npm run api:schema -- --require-base fails, naming why, when there is no base', () => {
  const outside = mkdtempSync(join(tmpdir(), 'schema-base-cli-'));
  try {
    const run = spawnSync(process.execPath, [EXPORT_SCRIPT, '--require-base'], {
      cwd: outside,
      encoding: 'utf8',
    });
    assert.equal(run.status, 1, run.stderr);
    assert.match(run.stderr, /cannot compare with the main branch's merge base: not in a git work tree/);
  } finally {
    rmSync(outside, { recursive: true, force: true });
  }
});
