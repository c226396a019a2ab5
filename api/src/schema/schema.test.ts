/**
 * The schema as a contract: the checked-in SDL matches the code (so a change nobody exported,
 * breaking or not, fails CI), its types come from the fleet model, and every root field and
 * every object type states who may read it.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { SITE_PHASES, SiteSpec, SiteStatus, WideAreaClusterSpec } from '@smart-fleet/model';
import {
  buildSchema,
  findBreakingChanges,
  type GraphQLField,
  GraphQLObjectType,
  isObjectType,
} from 'graphql';
import { printFleetSchema, schema } from './index.ts';

const SCHEMA_FILE = fileURLToPath(new URL('../../schema.graphql', import.meta.url));

test('the checked-in SDL has no breaking change against the code, and is up to date', () => {
  const checkedIn = readFileSync(SCHEMA_FILE, 'utf8');
  const breaking = findBreakingChanges(buildSchema(checkedIn), schema);
  assert.deepEqual(
    breaking.map((c) => c.description),
    [],
    'breaking API change: if intended, run npm run api:schema -- --allow-breaking',
  );
  assert.equal(printFleetSchema(), checkedIn, 'api/schema.graphql is stale: run npm run api:schema');
});

function objectFields(name: string): string[] {
  const type = schema.getType(name);
  assert.ok(isObjectType(type), `${name} is an object type`);
  return Object.keys(type.getFields()).sort();
}

test('spec and status types are generated from the model, field for field', () => {
  for (const [name, model] of [
    ['SiteSpec', SiteSpec],
    ['SiteStatus', SiteStatus],
    ['WideAreaClusterSpec', WideAreaClusterSpec],
  ] as const) {
    assert.deepEqual(objectFields(name), Object.keys(model.properties).sort(), name);
  }
  // Nested shapes keep the model's names; enum values map back to the model's strings.
  assert.ok(schema.getType('Location') && schema.getType('Hardware') && schema.getType('MaintenanceWindow'));
  const phase = schema.getType('SitePhase');
  assert.ok(phase && 'getValues' in phase);
  assert.deepEqual(
    phase
      .getValues()
      .map((v) => v.value)
      .sort(),
    [...SITE_PHASES].sort(),
  );
  const region = schema.getType('RegionCode');
  assert.ok(region && 'getValue' in region);
  assert.equal(region.getValue('CHUNGBUK')?.value, 'chungbuk');
  const codec = schema.getType('Codec');
  assert.ok(codec && 'getValue' in codec);
  assert.equal(codec.getValue('H_264')?.value, 'H.264');
});

const pothos = (x: { extensions?: any }) =>
  x.extensions?.pothosOptions as Record<string, unknown> | undefined;

test('every query, mutation and subscription field declares who may call it', () => {
  for (const root of [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()]) {
    assert.ok(root);
    for (const field of Object.values(root.getFields()) as GraphQLField<unknown, unknown>[]) {
      if (root.name === 'Query' && field.name === 'node') {
        continue; // relay's node(id): each node type's loader and type scopes decide
      }
      assert.ok(pothos(field)?.authScopes, `${root.name}.${field.name} has no authScopes`);
    }
  }
});

test('every object type that carries fleet data declares type-level scopes', () => {
  const exempt = /^(Query|Mutation|Subscription|PageInfo|.*Connection|.*Edge|Mutation.*Success)$/;
  const missing = Object.values(schema.getTypeMap())
    .filter((t): t is GraphQLObjectType => t instanceof GraphQLObjectType && !t.name.startsWith('__'))
    .filter((t) => !exempt.test(t.name) && !pothos(t)?.authScopes)
    .map((t) => t.name);
  assert.deepEqual(missing, []);
});

test('no DRM type can carry key material', () => {
  const drmTypes = ['DrmPolicy', 'DrmPolicySpec', 'DrmPolicyStatus'];
  for (const name of drmTypes) {
    for (const field of objectFields(name)) {
      assert.doesNotMatch(field, /key(Material|Data|Bytes)?$|secret|kek|wrapped/i, `${name}.${field}`);
    }
  }
});
