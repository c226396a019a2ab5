/**
 * Every operation in the shipped allow-list is one a partner can run: it validates against the
 * schema, reads no introspection, and is inside the partner limits (depth, breadth, cost) at its
 * default page sizes. (That the list is current: scripts/partner-operations.test.ts.)
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { getNamedType, getOperationAST, Kind, parse, specifiedRules, typeFromAST, validate } from 'graphql';
import type { ApiContext } from '../src/context.ts';
import { measureOperation, tooComplex } from '../src/limits/operation-limits.ts';
import { readPartnerOperations } from '../src/persisted-operations.ts';
import { schema } from '../src/schema/index.ts';
import { PARTNER_LIMITS } from '../src/schema/query-limits.ts';

const shipped = readPartnerOperations();
const partner = {
  principal: {
    kind: 'partner',
    id: 'test',
    tenant: 't',
    scopes: new Set(['sites:read', 'content:read', 'telemetry:read']),
    display: 'test',
  },
} as unknown as ApiContext;

/** A value for each variable the operation requires (measuring needs them); defaults for the rest. */
const SAMPLES: Record<string, unknown> = {
  String: 'x',
  ID: 'x',
  Int: 1,
  Boolean: true,
  DateTime: '2026-01-01T00:00:00Z',
};
function requiredVariables(
  operation: NonNullable<ReturnType<typeof getOperationAST>>,
): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const definition of operation.variableDefinitions ?? []) {
    if (definition.type.kind === Kind.NON_NULL_TYPE && !definition.defaultValue) {
      const type = getNamedType(typeFromAST(schema, definition.type));
      const sample = type && SAMPLES[type.name];
      assert.ok(sample !== undefined, `no sample value for a required ${type?.name}: add one to SAMPLES`);
      values[definition.variable.name.value] = sample;
    }
  }
  return values;
}

for (const document of Object.values(shipped)) {
  const parsed = parse(document);
  const name = getOperationAST(parsed)?.name?.value ?? '?';
  test(`${name} validates against the schema, reads no introspection and fits the partner limits`, () => {
    assert.deepEqual(
      validate(schema, parsed, specifiedRules).map((e) => e.message),
      [],
    );
    assert.doesNotMatch(document, /__schema|__type\b/);
    const operation = getOperationAST(parsed);
    assert.ok(operation);
    const variables = requiredVariables(operation);
    const measured = measureOperation({ schema, document: parsed, variables, context: partner });
    assert.ok(measured, 'measured with its default variables');
    assert.equal(tooComplex(measured, PARTNER_LIMITS)?.message, undefined, JSON.stringify(measured));
  });
}
