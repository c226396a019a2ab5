/**
 * Depth and cost limits, checked on the query's shape before any resolver runs. Lists cost
 * their page size times what each row selects, so a 500-row page of sites with their telemetry
 * series is refused while the console's 50-row pages pass easily. Partners get tighter limits.
 */
import type { ApiContext } from '../context.ts';

export const STAFF_LIMITS = { depth: 10, breadth: 200, complexity: 25_000 };
export const PARTNER_LIMITS = { depth: 7, breadth: 80, complexity: 5_000 };

export function queryLimits(context: ApiContext) {
  return context.principal.kind === 'partner' ? PARTNER_LIMITS : STAFF_LIMITS;
}
