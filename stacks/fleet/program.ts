/**
 * The `fleet` program: sites as code. Reads the inventory named by `smart-fleet:inventory` with
 * the same parser and rules as `npm run fleet -- apply` (any problem stops it, naming the key and
 * each file:line:column) and declares its objects in the hub through the hub's provider: every
 * object, or one shard of them (fleet-shard.ts: the sites of some regions, the shared objects).
 * Precondition: the hub stack is up (its CRDs, namespace and operators).
 */

import { hubProvider } from '../hub/hub-provider.ts';
import type { StackOutputs } from '../index.ts';
import { StackConfig } from '../lib/config.ts';
import { readStackInventory } from '../lib/inventory.ts';
import { Fleet } from './fleet.ts';
import { readFleetShard, shardObjects } from './fleet-shard.ts';

export function fleetProgram(): StackOutputs {
  const config = new StackConfig();
  const inventory = readStackInventory(config);
  const shard = readFleetShard(config);
  const provider = hubProvider(config);
  const fleet = new Fleet(
    'fleet',
    { inventory: { ...inventory, objects: shardObjects(inventory.objects, shard) } },
    { provider },
  );
  return {
    namespace: fleet.namespace,
    regions: shard.regions ?? 'all',
    shared: shard.shared,
    objects: fleet.summary.objects,
    sitesPerRegion: fleet.summary.sitesPerRegion,
    sitesPerKind: fleet.summary.sitesPerKind,
  };
}
