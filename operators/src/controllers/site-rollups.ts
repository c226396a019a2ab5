/**
 * Site roll-ups: the counts other kinds show of their sites, from the Site cache, one namespace
 * at a time (bursts of site changes are batched): how many sites run each SiteRelease (as their
 * agents report it), belong to each Tenant, and hang off each WideAreaCluster, and a cluster's
 * phase from how its sites report (Degraded when half or more of those heard from are offline:
 * the sign of a cluster or backbone fault, not of one building). Written only where a count or
 * phase changed, under this controller's field manager.
 */
import type { KubernetesObject } from '@kubernetes/client-node';
import {
  applyStatus,
  Controller,
  type ControllerMetrics,
  forEachLimited,
  type KubeClient,
  type Logger,
  type SharedInformers,
  type StatusOwner,
  setCondition,
} from '@smart-fleet/kube';
import {
  type KindDefinition,
  type Site,
  siteReleaseKind,
  tenantKind,
  type WideAreaCluster,
  wideAreaClusterKind,
} from '@smart-fleet/model';
import { CLUSTER_ROLLUP_STATUS, RELEASE_ROLLUP_STATUS, TENANT_ROLLUP_STATUS } from '../status-owners.ts';

export const SITE_ROLLUPS = 'site-rollups';
const BATCH_MS = 1000;
const HEARD = new Set(['Ready', 'Degraded', 'Offline']);

interface Deps {
  client: KubeClient;
  informers: SharedInformers;
  log: Logger;
  metrics: ControllerMetrics;
  now?: () => Date;
}

type Obj<T> = T & KubernetesObject;

const countBy = (sites: readonly Site[], key: (s: Site) => string | undefined) => {
  const counts = new Map<string, number>();
  for (const site of sites) {
    const k = key(site);
    if (k) {
      counts.set(k, (counts.get(k) ?? 0) + 1);
    }
  }
  return counts;
};

/** A cluster's phase and SitesReachable condition from the sites it serves. Pure. */
export function clusterRollup(cluster: WideAreaCluster, served: readonly Site[], now: Date) {
  const heard = served.filter((s) => HEARD.has(s.status?.phase ?? ''));
  const offline = heard.filter((s) => s.status?.phase === 'Offline').length;
  const reachable =
    heard.length === 0
      ? {
          status: 'Unknown' as const,
          reason: 'NoSiteReports',
          message: `none of its ${served.length} sites has reported yet`,
        }
      : offline * 2 >= heard.length
        ? {
            status: 'False' as const,
            reason: 'SitesOffline',
            message: `${offline} of ${heard.length} reporting sites are offline`,
          }
        : {
            status: 'True' as const,
            reason: 'SitesReporting',
            message: `${heard.length - offline} of ${heard.length} reporting sites are up`,
          };
  const phase = heard.length === 0 ? 'Pending' : reachable.status === 'False' ? 'Degraded' : 'Ready';
  return {
    sites: served.length,
    phase,
    conditions: setCondition(
      cluster.status?.conditions?.filter((c) => c.type === 'SitesReachable'),
      { type: 'SitesReachable', ...reachable },
      now,
    ),
  } as const;
}

export function siteRollupsController(deps: Deps): Controller {
  const { client, informers, log } = deps;
  const now = deps.now ?? (() => new Date());
  const sites = informers.for<Obj<Site>>('Site');

  const writeAll = async <T extends KubernetesObject>(
    kind: KindDefinition,
    owner: StatusOwner,
    objects: readonly T[],
    status: (o: T) => object,
  ) => {
    let written = 0;
    await forEachLimited(objects, 8, async (o) => {
      const object = {
        metadata: { name: o.metadata?.name ?? '', namespace: o.metadata?.namespace },
        status: (o as { status?: object }).status,
      };
      written += (await applyStatus(client, kind, object, owner, status(o))) ? 1 : 0;
    });
    return written;
  };

  const reconcile = async (namespace: string) => {
    const all = sites.list(namespace);
    const running = countBy(all, (s) => s.status?.deployedRelease);
    const byTenant = countBy(all, (s) => s.spec.tenant);
    const at = now();
    const written =
      (await writeAll(
        siteReleaseKind,
        RELEASE_ROLLUP_STATUS,
        informers.for('SiteRelease').list(namespace),
        (r) => ({
          sitesRunning: running.get(r.metadata?.name ?? '') ?? 0,
        }),
      )) +
      (await writeAll(tenantKind, TENANT_ROLLUP_STATUS, informers.for('Tenant').list(namespace), (t) => ({
        sites: byTenant.get(t.metadata?.name ?? '') ?? 0,
      }))) +
      (await writeAll(
        wideAreaClusterKind,
        CLUSTER_ROLLUP_STATUS,
        informers.for<Obj<WideAreaCluster>>('WideAreaCluster').list(namespace),
        (c) =>
          clusterRollup(
            c,
            all.filter((s) => s.spec.parentCluster === c.metadata.name),
            at,
          ),
      ));
    if (written > 0) {
      log.info('site roll-ups', { namespace, written });
    }
    return undefined;
  };

  const controller = new Controller({
    name: SITE_ROLLUPS,
    reconcile,
    log,
    metrics: deps.metrics,
    workers: 1,
  });
  const queue = (o: KubernetesObject) => controller.queue.addAfter(o.metadata?.namespace ?? '', BATCH_MS);
  // Only what a roll-up reads: release run, tenant, cluster, phase.
  const inputs = new Map<string, string>();
  const onSite = (o: Obj<Site>) => {
    const key = `${o.metadata.namespace}/${o.metadata.name}`;
    const input = JSON.stringify([
      o.status?.deployedRelease,
      o.spec.tenant,
      o.spec.parentCluster,
      o.status?.phase,
    ]);
    if (inputs.get(key) !== input) {
      inputs.set(key, input);
      queue(o);
    }
  };
  sites.on('add', onSite);
  sites.on('update', onSite);
  sites.on('delete', (o) => {
    inputs.delete(`${o.metadata.namespace}/${o.metadata.name}`);
    queue(o);
  });
  for (const kind of ['SiteRelease', 'Tenant', 'WideAreaCluster']) {
    informers.for(kind).on('add', queue);
    informers.onResync(kind, queue);
  }
  return controller;
}
