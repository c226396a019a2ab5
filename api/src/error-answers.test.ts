import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GraphQLError, parse, validate } from 'graphql';
import { maskErrors, withoutSuggestions } from './error-answers.ts';
import { schema } from './schema/index.ts';

test("graphql-js's suggestions are gone from every kind of validation error, the rest kept", () => {
  const cases: [string, string][] = [
    ['{ sites(first: 1) { edges { node { nam } } } }', 'Cannot query field "nam" on type "Site".'],
    ['{ sites(firs: 1) { totalCount } }', 'Unknown argument "firs" on field "Query.sites".'],
    [
      '{ sites(filter: { regions: [SEUL] }) { totalCount } }',
      'Value "SEUL" does not exist in "RegionCode" enum.',
    ],
  ];
  for (const [query, message] of cases) {
    const [error] = validate(schema, parse(query));
    assert.ok(error, query);
    assert.match(error.message, /Did you mean/, 'graphql-js suggests');
    const stripped = withoutSuggestions(error);
    assert.equal(stripped.message, message);
    assert.deepEqual(stripped.locations, error.locations);
    assert.notEqual(stripped, error, 'a copy: the cached original is shared');
    assert.match(error.message, /Did you mean/, 'the original is untouched');
  }
});

test('errors without a suggestion, and non-GraphQL errors, pass through unchanged', () => {
  const plain = new GraphQLError('Cannot query field "x" on type "Site".');
  assert.equal(withoutSuggestions(plain), plain);
  const other = new Error('Did you mean this?');
  assert.equal(withoutSuggestions(other), other);
});

test('masking strips suggestions from errors raised while executing (a variable of a near-miss enum)', () => {
  const error = new GraphQLError(
    'Variable "$r" got invalid value "SEUL" at "r[0]"; Value "SEUL" does not exist in "RegionCode" enum. Did you mean the enum value "SEOUL"?',
    { extensions: { code: 'BAD_USER_INPUT' } },
  );
  const masked = maskErrors(error, 'Unexpected error.', false) as GraphQLError;
  assert.equal(
    masked.message,
    'Variable "$r" got invalid value "SEUL" at "r[0]"; Value "SEUL" does not exist in "RegionCode" enum.',
  );
  assert.equal(masked.extensions.code, 'BAD_USER_INPUT');
});
