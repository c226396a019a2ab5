/**
 * The hostile cases are as hostile as their names say, measured against the API's own limits,
 * so a change to a limit cannot quietly turn a case into one that no longer reaches it.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DOCUMENT_LIMITS, VARIABLE_LIMITS } from '../../api/src/limits/document-limits.ts';
import { STAFF_LIMITS } from '../../api/src/schema/query-limits.ts';
import { MAX_REQUEST_BODY_BYTES } from '../../api/src/yoga-plugins.ts';
import { ALIASES, ALIASES_WITHIN_TOKENS, DEEP, hostileCases } from './hostile-cases.ts';

const cases = hostileCases();
/** The query of the case whose name matches. */
function queryOf(name: RegExp): string {
  const found = cases.find((c) => name.test(c.name));
  assert.ok(found, String(name));
  return (JSON.parse(found.body) as { query: string }).query;
}

test('every body fits the request limit, so each case reaches the GraphQL limits it is about', () => {
  for (const c of cases) {
    assert.ok(Buffer.byteLength(c.body) < MAX_REQUEST_BODY_BYTES, c.name);
  }
});

test('the deep, the aliased and the long documents are what they say', () => {
  const deep = queryOf(/-deep selection/);
  assert.equal(deep.split('{').length - 1, DEEP + 1);
  assert.equal(queryOf(/__typename aliases/).split(': __typename').length - 1, ALIASES);
  const within = queryOf(/within tokens/);
  assert.equal(within.split(': __typename').length - 1, ALIASES_WITHIN_TOKENS);
  assert.ok(
    ALIASES_WITHIN_TOKENS * 3 + 2 <= DOCUMENT_LIMITS.tokens && within.length <= DOCUMENT_LIMITS.characters,
  );
  assert.ok(ALIASES_WITHIN_TOKENS > STAFF_LIMITS.breadth);
  const long = cases.find((c) => c.name === '1 MB of tokens');
  assert.ok(long && long.body.length > 980_000);
});

test('the variables cases cross the variable limits, the chain stays inside the document limits', () => {
  const wide = cases.find((c) => /values$/.test(c.name));
  assert.ok(wide);
  const tenants = (JSON.parse(wide.body) as { variables: { f: { tenants: unknown[] } } }).variables.f.tenants;
  assert.ok(tenants.length > VARIABLE_LIMITS.values);
  const deep = cases.find((c) => /deep$/.test(c.name) && c.name.startsWith('variables'));
  assert.ok(deep && deep.body.split('[').length - 1 > VARIABLE_LIMITS.nesting * 100);
  const chain = queryOf(/chained fragments/);
  assert.ok(chain.length <= DOCUMENT_LIMITS.characters);
});
