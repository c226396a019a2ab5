import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  checkedOperations,
  compileOperations,
  PersistedOperationsError,
  persistedOperation,
  readPartnerOperations,
} from './persisted-operations.ts';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

test('an operation is stored printed, so its id does not depend on whitespace or comments', () => {
  const a = persistedOperation({
    file: 'a.graphql',
    text: '# the summary\nquery S { fleetSummary { sites } }',
  });
  const b = persistedOperation({
    file: 'b.graphql',
    text: 'query S {\n  fleetSummary {\n    sites\n  }\n}\n',
  });
  assert.equal(a.document, b.document);
  assert.equal(a.hash, sha256(a.document));
  assert.equal(a.name, 'S');
});

test("a client's document is stored as sent, so its id is the hash of the very string the client holds", () => {
  const text = 'query S { fleetSummary { sites } }';
  const asSent = persistedOperation({ file: 'console.ts', text, asSent: true });
  assert.equal(asSent.document, text);
  assert.equal(asSent.hash, sha256(text));
  assert.notEqual(asSent.hash, persistedOperation({ file: 'a.graphql', text }).hash);
});

test('a file must hold exactly one named operation, and names are unique across files', () => {
  for (const text of [
    '{ fleetSummary { sites } }',
    'query A { a } query B { b }',
    'fragment F on Query { a }',
  ]) {
    assert.throws(
      () => persistedOperation({ file: 'x.graphql', text }),
      /x\.graphql: must hold exactly one named operation/,
    );
  }
  assert.throws(() => persistedOperation({ file: 'y.graphql', text: 'query {' }), /y\.graphql: Syntax Error/);
  assert.throws(
    () =>
      compileOperations([
        { file: 'one.graphql', text: 'query Same { a }' },
        { file: 'two.graphql', text: 'query Same { b }' },
      ]),
    /two\.graphql: operation Same is already defined in one\.graphql/,
  );
});

test('the allow-list is ordered by operation name, whatever the order of its files', () => {
  const list = compileOperations([
    { file: 'z.graphql', text: 'query Beta { b }' },
    { file: 'a.graphql', text: 'query Alpha { a }' },
  ]);
  assert.deepEqual(Object.values(list), ['query Alpha {\n  a\n}', 'query Beta {\n  b\n}']);
});

test("an allow-list read back is refused when an id is not its document's sha256, naming the file", () => {
  const document = 'query A {\n  a\n}';
  assert.deepEqual(checkedOperations({ [sha256(document)]: document }, 'f.json'), {
    [sha256(document)]: document,
  });
  assert.throws(
    () => checkedOperations({ [sha256('other')]: document }, 'f.json'),
    /^PersistedOperationsError: f\.json: [0-9a-f]{64} is not the sha256 of its document/,
  );
  assert.throws(() => checkedOperations(['x'], 'f.json'), /must be a JSON object/);
  assert.throws(() => checkedOperations({ abc: 1 }, 'f.json'), /must map to a GraphQL document/);
  const dir = mkdtempSync(join(tmpdir(), 'ops-'));
  writeFileSync(join(dir, 'bad.json'), '{ not json');
  assert.throws(
    () => readPartnerOperations(join(dir, 'bad.json')),
    (e: Error) => {
      assert.ok(e instanceof PersistedOperationsError);
      assert.match(e.message, /bad\.json: not JSON/);
      return true;
    },
  );
  assert.throws(
    () => readPartnerOperations(join(dir, 'missing.json')),
    /cannot read .*missing\.json: ENOENT/,
  );
});
