/**
 * The one Pothos builder every schema module adds to. Plugins: scope-auth (every type and field
 * declares who may see it), relay (global ids, `node`, cursor connections), errors (mutations
 * return typed errors a client can branch on), complexity (each field's cost, which limits/
 * checks against the caller's limits before anything runs), dataloader (batched loads for what
 * the in-memory view does not hold).
 */
import SchemaBuilder from '@pothos/core';
import ComplexityPlugin from '@pothos/plugin-complexity';
import DataloaderPlugin from '@pothos/plugin-dataloader';
import ErrorsPlugin from '@pothos/plugin-errors';
import RelayPlugin from '@pothos/plugin-relay';
import ScopeAuthPlugin from '@pothos/plugin-scope-auth';
import { GraphQLError } from 'graphql';
import type { PartnerScope } from '../auth/principal.ts';
import type { ApiContext } from '../context.ts';
import { authScopes } from './auth-scopes.ts';

export interface FleetSchemaTypes {
  Context: ApiContext;
  AuthScopes: {
    /** Any staff member (operator or NOC): reads everything. */
    staff: boolean;
    /** Operators: every mutation. */
    operator: boolean;
    /** Operators and NOC: acknowledge alerts, drain sites. */
    responder: boolean;
    /** Any partner (for types reachable only through an object already checked). */
    partner: boolean;
    /** A partner whose key carries this scope. */
    partnerScope: PartnerScope;
    /** Staff, or a partner of this tenant. */
    tenant: string;
  };
  Scalars: {
    DateTime: { Input: string; Output: string | Date };
    JSON: { Input: unknown; Output: unknown };
  };
  Connection: { totalCount: number };
  DefaultFieldNullability: false;
  DefaultEdgesNullability: false;
  DefaultNodeNullability: false;
}

export const builder = new SchemaBuilder<FleetSchemaTypes>({
  plugins: [ErrorsPlugin, ScopeAuthPlugin, RelayPlugin, ComplexityPlugin, DataloaderPlugin],
  defaultFieldNullability: false,
  scopeAuth: {
    authScopes,
    authorizeOnSubscribe: true,
    unauthorizedError: (_parent, _context, info) =>
      new GraphQLError(unauthorizedMessage(info.parentType.name, info.fieldName), {
        extensions: { code: 'FORBIDDEN' },
      }),
  },
  relay: {
    clientMutationId: 'omit',
    cursorType: 'String',
    // A connection's cost is its page size times a row (set on each connection field), not the list default again.
    edgesFieldOptions: { nullable: false, complexity: { field: 0, multiplier: 1 } },
    nodeFieldOptions: { nullable: false },
    nodeQueryOptions: { nullable: true },
    nodesQueryOptions: false,
  },
  errors: { defaultTypes: [] },
  // Costs per field live on the schema; the limits are enforced once per operation, before it is
  // compiled or run (limits/limits-plugins.ts), not inside root resolvers where this plugin checks.
  complexity: { defaultComplexity: 1, defaultListMultiplier: 10, disabled: true },
});

/** A refused root field says what the caller tried: to run a mutation, to subscribe, to read a field. */
export function unauthorizedMessage(parentType: string, field: string): string {
  if (parentType === 'Mutation') {
    return `not authorized to run ${field}`;
  }
  if (parentType === 'Subscription') {
    return `not authorized to subscribe to ${field}`;
  }
  return `not authorized to read ${parentType}.${field}`;
}

builder.scalarType('DateTime', {
  description: 'An RFC 3339 time, e.g. 2026-11-25T09:30:00Z.',
  serialize: (value) => (value instanceof Date ? value.toISOString() : String(value)),
  parseValue: (value) => {
    if (typeof value !== 'string' || Number.isNaN(Date.parse(value))) {
      throw new GraphQLError('DateTime must be an RFC 3339 string');
    }
    return value;
  },
});

builder.scalarType('JSON', {
  description: 'A JSON value (string maps such as labels and service settings).',
  serialize: (value) => value,
  parseValue: (value) => value,
});

builder.queryType({});
builder.mutationType({});
builder.subscriptionType({});
