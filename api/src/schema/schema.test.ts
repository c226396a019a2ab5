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
  type GraphQLNamedType,
  getNamedType,
  isAbstractType,
  isObjectType,
} from 'graphql';
import type { ApiContext } from '../context.ts';
import { authScopes } from './auth-scopes.ts';
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

/**
 * No field can be read without an authorization decision on the way to it: walking from every
 * root field, each object is reached through a field with scopes or is of a type with scopes
 * before any of its fields is read (model-generated shapes rely on their fleet object's).
 */
test('every path from a root field passes an authorization check before reading data', () => {
  const unguarded = new Set<string>();
  const seen = new Set<string>();
  const visit = (type: GraphQLNamedType, guarded: boolean) => {
    const key = `${type.name}:${guarded}`;
    if (seen.has(key)) {
      return;
    }
    seen.add(key);
    if (isAbstractType(type)) {
      for (const member of schema.getPossibleTypes(type)) {
        visit(member, guarded);
      }
      return;
    }
    if (!isObjectType(type)) {
      return;
    }
    const checked = guarded || Boolean(pothos(type)?.authScopes);
    for (const field of Object.values(type.getFields())) {
      const fieldChecked = checked || Boolean(pothos(field)?.authScopes);
      if (!fieldChecked && field.name !== '__typename') {
        unguarded.add(`${type.name}.${field.name}`);
      }
      visit(getNamedType(field.type), fieldChecked);
    }
  };
  for (const root of [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()]) {
    for (const field of Object.values(root?.getFields() ?? {})) {
      visit(getNamedType(field.type), Boolean(pothos(field)?.authScopes));
    }
  }
  assert.deepEqual([...unguarded].sort(), []);
  assert.ok(seen.has('SiteSpec:true') && seen.has('Location:true'), 'the walk reaches the generated types');
});

test('every fleet object type checks each object (its tenant, or staff) before its fields are read', () => {
  const node = schema.getType('Node');
  assert.ok(node && isAbstractType(node));
  const unchecked = schema
    .getPossibleTypes(node)
    .filter((t) => !pothos(t)?.authScopes)
    .map((t) => t.name);
  assert.deepEqual(unchecked, []);
  assert.ok(schema.getPossibleTypes(node).length >= 9, 'every kind, alerts and more are nodes');
});

test('no DRM type can carry key material', () => {
  const drmTypes = ['DrmPolicy', 'DrmPolicySpec', 'DrmPolicyStatus'];
  for (const name of drmTypes) {
    for (const field of objectFields(name)) {
      assert.doesNotMatch(field, /key(Material|Data|Bytes)?$|secret|kek|wrapped/i, `${name}.${field}`);
    }
  }
});

/** Fields that carry what sites reported, wherever they appear. */
const TELEMETRY_FIELD = /^(telemetry|telemetrySeries|activeStreams|egressMbps|utilization|saturatedSites)$/;
const TELEMETRY_TYPE = /Telemetry|Sample$/;

/**
 * A partner key with `sites:read` and `content:read` but not `telemetry:read` reaches no
 * telemetry: walking from every root field, a field a partner passes (its scopes, or those of
 * the object it is on) never carries telemetry or leads to a telemetry type.
 */
test('no telemetry is reachable by a partner key without telemetry:read', () => {
  const scopes = authScopes({
    principal: {
      kind: 'partner',
      id: 'k',
      tenant: 't',
      scopes: new Set(['sites:read', 'content:read']),
      display: 'k',
    },
  } as unknown as ApiContext) as Record<string, unknown>;
  /** Whether a partner passes scopes: object maps pass when any entry does; per-object functions (a site's tenant) are taken as passing. */
  const passes = (authScopes: unknown): boolean => {
    if (authScopes === undefined || typeof authScopes === 'function') {
      return true;
    }
    return Object.entries(authScopes as Record<string, unknown>).some(([name, wanted]) => {
      const scope = scopes[name];
      assert.ok(scope !== undefined, `unknown scope ${name}`);
      return typeof scope === 'function' ? scope(wanted) : scope === true && wanted === true;
    });
  };
  const reached = new Set<string>();
  const leaks: string[] = [];
  const visit = (type: GraphQLNamedType) => {
    if (reached.has(type.name)) {
      return;
    }
    reached.add(type.name);
    if (isAbstractType(type)) {
      schema.getPossibleTypes(type).forEach(visit);
      return;
    }
    if (!isObjectType(type) || !passes(pothos(type)?.authScopes)) {
      return;
    }
    for (const field of Object.values(type.getFields())) {
      const target = getNamedType(field.type);
      if (!passes(pothos(field)?.authScopes)) {
        continue;
      }
      if (TELEMETRY_FIELD.test(field.name) || TELEMETRY_TYPE.test(target.name)) {
        leaks.push(`${type.name}.${field.name}`);
      }
      visit(target);
    }
  };
  for (const root of [schema.getQueryType(), schema.getSubscriptionType()]) {
    assert.ok(root);
    visit(root);
  }
  assert.deepEqual(leaks, []);
  assert.ok(reached.has('Site') && reached.has('FleetSummary'), 'the walk reaches the partner types');
});
