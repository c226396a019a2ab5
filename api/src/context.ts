/** What every resolver gets: who is asking, the fleet in memory, the write path, the loaders. */

import type { TelemetrySample } from '@smart-fleet/model';
import type DataLoader from 'dataloader';
import type { ApiKeyStore } from './auth/api-keys.ts';
import type { Principal } from './auth/principal.ts';
import type { EntitlementSettings } from './entitlements/entitlement-grants.ts';
import type { PrometheusClient } from './telemetry/prometheus-client.ts';
import type { FleetView } from './view/fleet-view.ts';
import type { HubWrites } from './writes/hub-writes.ts';

export interface ApiContext {
  principal: Principal;
  view: FleetView;
  writes: HubWrites;
  apiKeys: ApiKeyStore;
  /** Where telemetry history lives, and how often it scrapes (the finest step a series takes). */
  telemetry: { prometheus: PrometheusClient; scrapeIntervalMs: number };
  /**
   * Per-site telemetry series, batched into one range query per namespace per request; keyed
   * `sinceMs|namespace/name` (sinceMs empty for the default range).
   */
  siteSeries: DataLoader<string, readonly TelemetrySample[]>;
  /** How entitlements are signed; absent when this API was started without a signing key. */
  entitlements?: EntitlementSettings;
  /**
   * Set by a resolver that answered from data older than the view's version (a fleet summary
   * coalesced within its maxAgeMs): the response cache must not keep this answer, or it would
   * be repeated until the next change, which in a quiet fleet may never come.
   */
  readBehindView?: boolean;
}
