/**
 * Which of the inventory's objects one fleet stack declares. A national fleet is 21,000
 * objects: one Pulumi stack can hold them (see bench:stacks), but every `pulumi up` then diffs
 * all of them and the state grows to match. So the fleet can be split by region: one stack
 * declares the shared objects (tenants, clusters, releases, rollouts) and each region stack its
 * sites. Every stack still parses and validates the whole inventory, so references across
 * shards are checked the same as in one stack.
 *   smart-fleet:fleet.regions  region codes whose sites this stack declares (default: all; [] none)
 *   smart-fleet:fleet.shared   whether it declares the shared objects (default: true without
 *                              fleet.regions, false with it)
 */
import { type FleetObject, REGION_CODES } from '@smart-fleet/model';
import { type StackConfig, StackConfigError } from '../lib/config.ts';

export interface FleetShard {
  /** Undefined: every region. */
  regions?: readonly string[];
  shared: boolean;
}

const REGIONS_KEY = 'fleet.regions';

export function readFleetShard(config: StackConfig): FleetShard {
  const regions = config.optionalObject<string[]>(REGIONS_KEY, (value) => {
    if (!Array.isArray(value)) {
      return `must be a list of region codes, like ["seoul", "incheon"] ([] for no sites)`;
    }
    const unknown = value.filter((r) => !(REGION_CODES as readonly unknown[]).includes(r));
    return unknown.length > 0
      ? `${unknown.map((r) => JSON.stringify(r)).join(', ')} is not a region; regions are ${REGION_CODES.join(', ')}`
      : undefined;
  });
  const shared = config.boolean('fleet.shared', regions === undefined);
  if (regions?.length === 0 && !shared) {
    throw new StackConfigError(
      REGIONS_KEY,
      'is [] and fleet.shared is false: this stack would declare nothing',
    );
  }
  return { regions, shared };
}

/** The objects this stack declares, in the inventory's apply order. */
export function shardObjects(objects: readonly FleetObject[], shard: FleetShard): FleetObject[] {
  const regions = shard.regions ? new Set(shard.regions) : undefined;
  return objects.filter((o) =>
    o.kind === 'Site'
      ? regions === undefined || regions.has((o.spec.location as { region: string }).region)
      : shard.shared,
  );
}
