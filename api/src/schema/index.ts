/**
 * The schema: every type and field module registers itself on the one builder; this imports
 * them in an order where each type's dependencies exist, then builds.
 */
import { lexicographicSortSchema, printSchema } from 'graphql';
import { builder } from './builder.ts';
import './types/errors.ts';
import './types/site.ts';
import './types/fleet-kinds.ts';
import './types/alert.ts';
import './types/api-key.ts';
import './types/entitlement.ts';
import './types/summary.ts';
import './types/site-points.ts';
import './types/common.ts';
import './queries/sites.ts';
import './queries/fleet.ts';
import './queries/site-points.ts';
import './mutations/sites.ts';
import './mutations/rollouts.ts';
import './mutations/alerts-and-keys.ts';
import './mutations/entitlements.ts';
import './subscriptions.ts';

export const schema = builder.toSchema();

/** The SDL as checked in (api/schema.graphql): sorted, so diffs show only real changes. */
export function printFleetSchema(): string {
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}
