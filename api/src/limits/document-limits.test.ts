import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GraphQLError } from 'graphql';
import { checkDocumentText, checkVariables, DOCUMENT_LIMITS, parseWithLimits } from './document-limits.ts';

function refusal(run: () => unknown): GraphQLError {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof GraphQLError, String(error));
    return error;
  }
  assert.fail('not refused');
}

test('an ordinary document parses, comments and all', () => {
  const document = parseWithLimits('# the NOC board\n{ fleetSummary { sites byPhase { phase count } } }');
  assert.equal(document.definitions.length, 1);
});

test('a 4,000-deep document is refused by its nesting, naming where, with no recursion', () => {
  const deep = `${'{ a '.repeat(4000)}${'}'.repeat(4000)}`;
  const error = refusal(() => parseWithLimits(deep));
  assert.equal(
    error.message,
    'document nests braces and brackets more than 32 deep (line 1, column 129); at most 32 allowed',
  );
  assert.deepEqual(error.extensions, { code: 'QUERY_TOO_COMPLEX', limit: 'nesting', http: { status: 400 } });
});

test('lists in arguments nest like selections do', () => {
  const error = refusal(() => checkDocumentText(`{ a(x: ${'['.repeat(40)}${']'.repeat(40)}) }`));
  assert.equal(error.extensions.limit, 'nesting');
  checkDocumentText(`{ a(x: ${'['.repeat(20)}${']'.repeat(20)}) }`);
});

test('nesting is depth, not count: many sibling selections pass', () => {
  checkDocumentText(`{ ${'a { b } '.repeat(1000)}}`);
});

test('tokens are counted up to the limit and not past it', () => {
  const at = `{ ${'a '.repeat(DOCUMENT_LIMITS.tokens - 2)}}`;
  checkDocumentText(at);
  const over = refusal(() => checkDocumentText(`{ ${'a '.repeat(DOCUMENT_LIMITS.tokens - 1)}}`));
  assert.equal(over.message, 'document has more than 5000 tokens; at most 5000 allowed');
});

test('length is checked first, so a megabyte of comments never reaches the lexer', () => {
  const error = refusal(() => checkDocumentText(`#${'x'.repeat(1_000_000)}\n{ a }`));
  assert.equal(error.extensions.limit, 'characters');
  assert.match(error.message, /^document is 1000007 characters long; at most 65536 allowed$/);
});

test("a syntax error is the parser's own", () => {
  const error = refusal(() => checkDocumentText('{ a "unterminated }'));
  assert.match(error.message, /^Syntax Error: Unterminated string/);
});

test('variables: nesting and value counts are bounded, naming the path', () => {
  let deep: unknown = 1;
  for (let i = 0; i < 40; i++) {
    deep = i % 2 ? { k: deep } : [deep];
  }
  const error = refusal(() => checkVariables({ spec: deep }));
  assert.match(
    error.message,
    /^variables nest more than 32 deep \(at \$spec(\.k|\[0\])+\); at most 32 allowed$/,
  );
  const many = refusal(() =>
    checkVariables({ a: Array.from({ length: 6000 }), b: Array.from({ length: 6000 }) }),
  );
  assert.equal(many.message, 'variables hold more than 10000 values; at most 10000 allowed');
  checkVariables({ spec: { location: { region: 'seoul', address: 'x' }, labels: { a: 'b' } }, first: 50 });
  checkVariables(null);
  checkVariables(undefined);
});

test("a huge key's path in a message is cut short", () => {
  let deep: unknown = 1;
  for (let i = 0; i < 40; i++) {
    deep = { ['k'.repeat(10_000)]: deep };
  }
  const error = refusal(() => checkVariables(deep));
  assert.ok(error.message.length < 400, `${error.message.length} characters`);
});
