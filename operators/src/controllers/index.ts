/**
 * The hub's controllers, one per concern, registered in one place: what `startManager` runs.
 * Each writes only its own part of the statuses (status-owners.ts); the ones that judge
 * in-memory heartbeats run a tick that `stop` ends.
 */
import type { Controller, ControllerMetrics, KubeClient, Logger, SharedInformers } from '@smart-fleet/kube';
import type { KekRing } from '@smart-fleet/services';
import type { HeartbeatStore } from '../health/heartbeat-store.ts';
import { contentPlacementController } from './content-placement.ts';
import { drmKeysController } from './drm-keys.ts';
import { drmPolicyStatusController, KeyTally } from './drm-policy-status.ts';
import { rolloutController } from './rollout.ts';
import { siteAdmissionController } from './site-admission.ts';
import { DEFAULT_HEALTH, type HealthPolicy, siteHealthController } from './site-health.ts';
import { siteRollupsController } from './site-rollups.ts';

export interface ControllerDeps {
  client: KubeClient;
  informers: SharedInformers;
  metrics: ControllerMetrics;
  store: HeartbeatStore;
  log: Logger;
  health?: Partial<HealthPolicy>;
  /** The DRM controllers run only with the key-encryption keys. */
  drm?: KekRing;
  /** The clock (tests drive key rotation with it). */
  now?: () => Date;
}

export interface Controllers {
  controllers: Controller[];
  /** Ends the ticks; the controllers stop separately (they may restart on a new lease). */
  stop(): void;
}

export function makeControllers(deps: ControllerDeps): Controllers {
  const shared = { client: deps.client, informers: deps.informers, metrics: deps.metrics, store: deps.store };
  const now = deps.now;
  const log = (controller: string) => deps.log.child({ controller });
  const health = siteHealthController({
    ...shared,
    policy: deps.health,
    log: log('site-health'),
    now: now && (() => now().getTime()),
  });
  const rollouts = rolloutController({
    ...shared,
    graceMs: deps.health?.graceMs ?? DEFAULT_HEALTH.graceMs,
    log: log('rollouts'),
    now,
  });
  const placement = contentPlacementController({ ...shared, log: log('content-placement') });
  const tally = new KeyTally();
  const drm = deps.drm
    ? [
        drmKeysController({ ...shared, keks: deps.drm, tally, log: log('drm-keys'), now }),
        drmPolicyStatusController({ ...shared, tally, log: log('drm-policy-status') }),
      ]
    : [];
  return {
    controllers: [
      siteAdmissionController({ ...shared, log: log('site-admission'), now }),
      health.controller,
      rollouts.controller,
      placement.controller,
      siteRollupsController({ ...shared, log: log('site-rollups'), now }),
      ...drm,
    ],
    stop: () => {
      health.stop();
      rollouts.stop();
      placement.stop();
    },
  };
}
