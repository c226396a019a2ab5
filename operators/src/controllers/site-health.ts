/**
 * Site health: owns a Site's phase and what its agent reports (SITE_HEALTH_STATUS). The phase
 * follows the operator's lifecycle request, the admission verdict and, once the agent calls
 * in, its heartbeats (held in memory, never in etcd). Heartbeats are judged in memory by a
 * one-second tick that queues only the sites whose status should change; Site changes (a
 * verdict, a lifecycle request) queue the site too.
 *
 * Writes are designed for a national fleet: a site's status is written when what it says
 * changes (phase, release, a condition's status or reason), never for a new timestamp or
 * telemetry (that lives in Prometheus). lastHeartbeat is exact at every such write (an Offline
 * site says when it was last heard) and otherwise refreshed at most every `refreshEveryMs`,
 * no more than `maxRefreshesPerSecond` at a time, so a quiet fleet of 21,000 sites costs the
 * hub about a dozen writes a second.
 */
import type { KubernetesObject } from '@kubernetes/client-node';
import {
  applyStatus,
  Controller,
  type ControllerMetrics,
  type KubeClient,
  type Logger,
  objectKey,
  type SharedInformers,
  splitKey,
} from '@smart-fleet/kube';
import { type Site, siteKind } from '@smart-fleet/model';
import { diagnose } from '../health/diagnosis.ts';
import type { HeartbeatStore } from '../health/heartbeat-store.ts';
import { healthStatus, significant } from '../health/site-health-status.ts';
import { SITE_HEALTH_STATUS } from '../status-owners.ts';

export const SITE_HEALTH = 'site-health';
const TICK_MS = 1000;

export interface HealthPolicy {
  /**
   * A site with no heartbeat for this long is Offline. Two missed 5 s heartbeats plus the 1 s
   * tick: a site that dies just after a heartbeat is marked Offline about 11 s later, inside
   * the 15 s target.
   */
  graceMs: number;
  /** While nothing changes, lastHeartbeat is rewritten at most this often. */
  refreshEveryMs: number;
  /** Refreshes queued per second at most, so a new leader does not rewrite every site at once. */
  maxRefreshesPerSecond: number;
}

export const DEFAULT_HEALTH: HealthPolicy = {
  graceMs: 10000,
  refreshEveryMs: 30 * 60_000,
  maxRefreshesPerSecond: 20,
};

interface Deps {
  client: KubeClient;
  informers: SharedInformers;
  store: HeartbeatStore;
  log: Logger;
  metrics: ControllerMetrics;
  policy?: Partial<HealthPolicy>;
  now?: () => number;
}

type LiveSite = Site & KubernetesObject;
const HEARD_PHASES = new Set(['Ready', 'Degraded', 'Offline']);

/** What a new leader takes of a site the hub says was heard from. */
function assumption(status: Site['status'], now: number) {
  const lastHeard = Date.parse(status?.lastHeartbeat ?? '') || undefined;
  const at = status?.phase === 'Offline' && lastHeard !== undefined ? lastHeard : now;
  return { at, lastHeard, release: status?.deployedRelease };
}

export function siteHealthController(deps: Deps): { controller: Controller; stop: () => void } {
  const { client, informers, store, log } = deps;
  const policy = { ...DEFAULT_HEALTH, ...deps.policy };
  const now = deps.now ?? Date.now;
  const sites = informers.for<LiveSite>('Site');

  const desired = (site: Site, key: string) => {
    const heartbeat = store.get(key);
    const findings = heartbeat?.telemetry ? diagnose(site, heartbeat.telemetry) : [];
    return healthStatus(site, { heartbeat, findings, now: now(), graceMs: policy.graceMs });
  };

  /** Sites the tick let refresh this round: refreshes are paced there, not in reconciles. */
  const refreshGranted = new Set<string>();

  /** A heard-from site whose written lastHeartbeat is older than the refresh period. */
  const refreshDue = (site: Site, key: string) => {
    const heartbeat = store.get(key);
    const written = Date.parse(site.status?.lastHeartbeat ?? '') || 0;
    return heartbeat !== undefined && !heartbeat.assumed && heartbeat.at - written >= policy.refreshEveryMs;
  };

  const reconcile = async (key: string) => {
    const { namespace, name } = splitKey(key);
    const site = sites.get(name, namespace);
    if (!site || site.metadata.deletionTimestamp) {
      return undefined;
    }
    const status = desired(site, key);
    const changed = significant(status) !== significant(site.status);
    const refresh = refreshGranted.delete(key) && refreshDue(site, key);
    if (!changed && !refresh) {
      return undefined;
    }
    if ((await applyStatus(client, siteKind, site, SITE_HEALTH_STATUS, status)) && changed) {
      log.info('site phase', { site: key, phase: status.phase, release: status.deployedRelease });
    }
    return undefined;
  };

  // Heartbeats live in the memory of the replica that judged them: a new leader (or a restarted
  // one) has heard from no one. Every site the hub says was heard from is taken as heard: the
  // ones up as of now (one whose agent is gone goes Offline after the grace; one that calls in
  // carries on), the Offline ones as of when they were last heard (they stay Offline).
  const assumeHeard = () => {
    for (const site of sites.list().filter((s) => HEARD_PHASES.has(s.status?.phase ?? ''))) {
      store.assumeHeard(objectKey(site), assumption(site.status, now()));
    }
  };

  const controller = new Controller({
    name: SITE_HEALTH,
    kind: 'Site',
    reconcile,
    log,
    metrics: deps.metrics,
    onStart: assumeHeard,
  });
  const enqueue = (o: KubernetesObject) => controller.queue.add(objectKey(o));
  sites.on('add', enqueue);
  sites.on('update', enqueue);
  informers.onResync('Site', enqueue);
  store.onFirst((key) => controller.queue.add(key));
  /** What the tick should do for a heard-from site: queue a change, offer a refresh, nothing. */
  const due = (key: string): 'change' | 'refresh' | undefined => {
    const { namespace, name } = splitKey(key);
    const site = sites.get(name, namespace);
    if (!site) {
      return undefined;
    }
    if (significant(desired(site, key)) !== significant(site.status)) {
      return 'change';
    }
    return refreshDue(site, key) ? 'refresh' : undefined;
  };
  const tick = setInterval(() => {
    let refreshes = 0;
    for (const key of store.keys()) {
      const what = due(key);
      if (what === 'change') {
        controller.queue.add(key);
      } else if (what === 'refresh' && refreshes < policy.maxRefreshesPerSecond) {
        refreshes++;
        refreshGranted.add(key);
        controller.queue.add(key);
      }
    }
  }, TICK_MS);
  return { controller, stop: () => clearInterval(tick) };
}
