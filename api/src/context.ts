/** What every resolver gets: who is asking, the fleet in memory, the write path, the loaders. */
import type DataLoader from 'dataloader';
import type { ApiKeyStore } from './auth/api-keys.ts';
import type { Principal } from './auth/principal.ts';
import type { TelemetrySample } from './telemetry/series-source.ts';
import type { FleetView } from './view/fleet-view.ts';
import type { HubWrites } from './writes/hub-writes.ts';

export interface ApiContext {
  principal: Principal;
  view: FleetView;
  writes: HubWrites;
  apiKeys: ApiKeyStore;
  /** Per-site telemetry series (`namespace/name`), batched into one call to the operators per request. */
  siteSeries: DataLoader<string, readonly TelemetrySample[]>;
}
