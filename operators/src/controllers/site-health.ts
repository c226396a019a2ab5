/**
 * Site health: turns the in-memory heartbeats into each Site's phase (Ready, Degraded,
 * Offline) and health conditions. A one-second tick compares, in memory, what each heard-from
 * site's phase should be with what the hub has, and queues only the sites that differ; a
 * site's status is written when its phase or findings change, and otherwise at most once per
 * `persistEveryMs` to refresh lastHeartbeat (telemetry is never written: it goes to Prometheus). So 21,000 sites heartbeating every
 * 5 s cost the hub a write per site per minute, not 4,200 writes a second.
 */
import type { KubernetesObject } from '@kubernetes/client-node';
import type { KubeClient, Logger, SharedInformers } from '@smart-fleet/kube';
import { Controller, type ControllerMetrics, splitKey, writeStatus } from '@smart-fleet/kube';
import { type Site, type SiteStatus, siteKind } from '@smart-fleet/model';
import { diagnose } from '../health/diagnosis.ts';
import type { HeartbeatStore } from '../health/heartbeat-store.ts';
import { healthStatus } from '../health/site-health-status.ts';

export const SITE_HEALTH = 'site-health';

export interface HealthPolicy {
  /**
   * A site with no heartbeat for this long is Offline. Two missed 5 s heartbeats plus the 1 s
   * tick: a site that dies just after a heartbeat is marked Offline about 11 s later, inside
   * the 15 s target.
   */
  graceMs: number;
  persistEveryMs: number;
}

export const DEFAULT_HEALTH: HealthPolicy = { graceMs: 10000, persistEveryMs: 60000 };

interface Deps {
  client: KubeClient;
  informers: SharedInformers;
  store: HeartbeatStore;
  log: Logger;
  metrics: ControllerMetrics;
  policy?: HealthPolicy;
  now?: () => number;
}

/** What decides a write: phase and the conditions' statuses and reasons, not timestamps. */
function significant(status: SiteStatus | undefined): string {
  const conditions = (status?.conditions ?? []).map((c) => `${c.type}=${c.status}/${c.reason}`).sort();
  return JSON.stringify([status?.phase, status?.deployedRelease, conditions]);
}

export function siteHealthController(deps: Deps): { controller: Controller; stop: () => void } {
  const { client, informers, store, log } = deps;
  const policy = deps.policy ?? DEFAULT_HEALTH;
  const now = deps.now ?? Date.now;
  const sites = informers.for<Site & KubernetesObject>('Site');
  const persistedAt = new Map<string, number>();

  const desired = (site: Site, key: string): SiteStatus => {
    const heartbeat = store.get(key);
    const findings = heartbeat?.telemetry ? diagnose(site, heartbeat.telemetry) : undefined;
    return healthStatus(site, { heartbeat, findings, now: now(), graceMs: policy.graceMs });
  };

  const reconcile = async (key: string) => {
    const { namespace, name } = splitKey(key);
    const site = sites.get(name, namespace);
    if (!site || !store.get(key)) {
      return undefined;
    }
    const status = desired(site, key);
    const due = now() - (persistedAt.get(key) ?? 0) >= policy.persistEveryMs;
    if (significant(status) === significant(site.status) && !due) {
      return undefined;
    }
    if (await writeStatus(client, siteKind, site, status)) {
      persistedAt.set(key, now());
      if (significant(status) !== significant(site.status)) {
        log.info('site health', { site: key, phase: status.phase });
      }
    }
    return undefined;
  };

  // Heartbeats live in the memory of the replica that judged them: a new leader (or a restarted
  // one) has heard from no one. Every site the hub says is up is taken as heard from now, so one
  // whose agent is gone goes Offline after the grace, and one that calls in just carries on.
  const assumeUpSitesHeard = () => {
    for (const site of sites.list()) {
      const status = site.status;
      // Ready and Degraded are only ever written by this controller, after a heartbeat.
      if (status?.phase === 'Ready' || status?.phase === 'Degraded') {
        store.assumeHeard(`${site.metadata.namespace ?? ''}/${site.metadata.name}`, {
          at: now(),
          release: status.deployedRelease,
        });
      }
    }
  };

  const controller = new Controller({
    name: SITE_HEALTH,
    reconcile,
    log,
    metrics: deps.metrics,
    onStart: assumeUpSitesHeard,
  });
  store.onFirst((key) => controller.queue.add(key));
  const tick = setInterval(() => {
    for (const key of store.keys()) {
      const { namespace, name } = splitKey(key);
      const site = sites.get(name, namespace);
      const stale = now() - (persistedAt.get(key) ?? 0) >= policy.persistEveryMs;
      if (site && (stale || significant(desired(site, key)) !== significant(site.status))) {
        controller.queue.add(key);
      }
    }
  }, 1000);
  return { controller, stop: () => clearInterval(tick) };
}
