/**
 * Hierarchical content distribution: plans, for a whole namespace at once, what every local
 * server pre-positions from its wide-area cluster (the most demanded titles everywhere, the
 * long tail by regional demand, within each site's storage; see placement/planner.ts), and
 * keeps one ContentPlacement per site in step with the plan: written only when its titles
 * change, removed when its site goes. Operators' pins and exclusions (Site annotations; see
 * placement/overrides.ts) are applied to each site's plan before it is written. Any change to
 * a title's demand or renditions, to a site's storage or region, or to its pins or exclusions,
 * re-plans; bursts of changes are batched into one plan.
 */
import type { KubernetesObject } from '@kubernetes/client-node';
import type { Logger, SharedInformers } from '@smart-fleet/kube';
import {
  applyStatus,
  Controller,
  type ControllerMetrics,
  forEachLimited,
  type KubeClient,
  serverSideApply,
} from '@smart-fleet/kube';
import {
  ANNOTATIONS,
  API_GROUP,
  API_VERSION,
  type ContentPlacement,
  type ContentTitle,
  canonicalJson,
  contentPlacementKind,
  contentTitleKind,
  GROUP_VERSION,
  type Site,
} from '@smart-fleet/model';
import type { HeartbeatStore } from '../health/heartbeat-store.ts';
import { fillWindowFor } from '../placement/fill-window.ts';
import { applyOverrides, overridesOf } from '../placement/overrides.ts';
import { type PlacementTitle, planPlacements, type SitePlan, toPlacementSpec } from '../placement/planner.ts';
import { PLACEMENT_STATUS, TITLE_PLACEMENT_STATUS } from '../status-owners.ts';

export const CONTENT_PLACEMENT = 'content-placement';
export const PLACEMENT_MANAGER = 'smart-fleet-placement';
const BATCH_MS = 500;

interface Deps {
  client: KubeClient;
  informers: SharedInformers;
  log: Logger;
  metrics: ControllerMetrics;
  /** Agents' heartbeats carry their fill progress. */
  store?: HeartbeatStore;
}

const FILL_TICK_MS = 2000;

type FillState = NonNullable<ContentPlacement['status']>['state'];

/** The placement status a fill report calls for, if it differs enough to be worth a write. */
export function fillStatus(
  current: ContentPlacement['status'],
  fill: { plannedMB: number; filledMB: number },
  reportedAt: number,
): ContentPlacement['status'] | undefined {
  const state: FillState = fill.filledMB >= fill.plannedMB ? 'Filled' : 'Filling';
  const filledMB = Math.round(fill.filledMB);
  const step = Math.max(1, 0.1 * fill.plannedMB); // write progress in 10% steps, not every report
  if (current?.state === state && Math.abs((current.filledMB ?? 0) - filledMB) < step) {
    return undefined;
  }
  const lastReport = new Date(reportedAt).toISOString().replace(/\.\d+Z$/, 'Z');
  return { ...(current ?? {}), state, filledMB, plannedMB: Math.round(fill.plannedMB), lastReport };
}

type Obj<T> = T & KubernetesObject;

function placementFor(site: Obj<Site>, plan: SitePlan): ContentPlacement {
  return {
    apiVersion: GROUP_VERSION,
    kind: 'ContentPlacement',
    metadata: {
      name: site.metadata.name,
      namespace: site.metadata.namespace,
      labels: {
        [`${API_GROUP}/site`]: site.metadata.name,
        [`${API_GROUP}/region`]: site.spec.location.region,
      },
    },
    spec: toPlacementSpec(plan, fillWindowFor(site.metadata.name)),
  };
}

export function contentPlacementController(deps: Deps): { controller: Controller; stop: () => void } {
  const { client, informers, log } = deps;
  const sites = informers.for<Obj<Site>>('Site');
  const titles = informers.for<Obj<ContentTitle>>('ContentTitle');
  const placements = informers.for<Obj<ContentPlacement>>('ContentPlacement');

  const write = async (site: Obj<Site>, plan: SitePlan) => {
    const desired = placementFor(site, plan);
    const live = placements.get(site.metadata.name, site.metadata.namespace);
    if (live && canonicalJson(live.spec) === canonicalJson(desired.spec)) {
      return false;
    }
    const owner = {
      apiVersion: GROUP_VERSION,
      kind: 'Site',
      name: site.metadata.name,
      uid: site.metadata.uid ?? '',
    };
    const applied = await serverSideApply(
      client,
      { ...desired, metadata: { ...desired.metadata, ownerReferences: [owner] } } as never,
      { fieldManager: PLACEMENT_MANAGER, force: true },
    );
    const status = {
      state: 'Pending',
      plannedMB: plan.plannedMB,
      filledMB: 0,
      lastReport: live?.status?.lastReport,
    };
    await applyStatus(
      client,
      contentPlacementKind,
      live ?? (applied as unknown as ContentPlacement),
      PLACEMENT_STATUS,
      status,
    );
    return true;
  };

  const removeOrphans = async (namespace: string, planned: ReadonlySet<string>) => {
    for (const p of placements.list(namespace)) {
      if (!planned.has(p.metadata.name)) {
        await client.custom.deleteNamespacedCustomObject({
          group: API_GROUP,
          version: API_VERSION,
          namespace,
          plural: contentPlacementKind.plural,
          name: p.metadata.name,
        });
      }
    }
  };

  /** The site's plan with its operators' pins and exclusions applied; a pin left out is logged. */
  const withOverrides = (site: Obj<Site>, plan: SitePlan, library: ReadonlyMap<string, PlacementTitle>) => {
    const overrides = overridesOf(site.metadata.annotations);
    const { plan: final, unplaced } = applyOverrides(plan, overrides, library, site);
    for (const title of unplaced) {
      log.info('pinned title left out: too big for the site, or no rendition it may hold', {
        namespace: site.metadata.namespace,
        site: site.metadata.name,
        title,
        budgetMB: plan.budgetMB,
      });
    }
    return final;
  };

  /** Each title's count of sites that hold it, written where it changed. */
  const countPlacements = async (library: readonly Obj<ContentTitle>[], plans: readonly SitePlan[]) => {
    const counts = new Map<string, number>();
    for (const plan of plans) {
      for (const placed of plan.titles) {
        counts.set(placed.title, (counts.get(placed.title) ?? 0) + 1);
      }
    }
    await forEachLimited(library, 16, async (title) => {
      const sitesPlaced = counts.get(title.metadata.name) ?? 0;
      await applyStatus(client, contentTitleKind, title, TITLE_PLACEMENT_STATUS, { sitesPlaced });
    });
  };

  const reconcile = async (namespace: string) => {
    // Draining and decommissioned sites get no new content; their placements go.
    const live = sites.list(namespace).filter((s) => (s.spec.lifecycle ?? 'Active') === 'Active');
    const started = performance.now();
    const library = titles.list(namespace);
    const plan = planPlacements({ titles: library, sites: live });
    const byName = new Map(live.map((s) => [s.metadata.name, s]));
    const byTitle = new Map(library.map((t) => [t.metadata.name, t]));
    let written = 0;
    const final: SitePlan[] = [];
    await forEachLimited(plan.sites, 16, async (sitePlan) => {
      const site = byName.get(sitePlan.site);
      const withPins = site ? withOverrides(site, sitePlan, byTitle) : undefined;
      if (site && withPins) {
        final.push(withPins);
        written += (await write(site, withPins)) ? 1 : 0;
      }
    });
    await countPlacements(library, final);
    await removeOrphans(namespace, new Set(plan.sites.map((p) => p.site)));
    log.info('placement planned', {
      namespace,
      sites: plan.sites.length,
      titles: library.length,
      written,
      planMs: Math.round(performance.now() - started),
    });
    return undefined;
  };

  const controller = new Controller({
    name: CONTENT_PLACEMENT,
    reconcile,
    log,
    metrics: deps.metrics,
    workers: 1,
  });
  const fillTick = setInterval(() => {
    for (const p of placements.list()) {
      const beat = deps.store?.get(`${p.metadata.namespace}/${p.metadata.name}`);
      const next = beat?.fill && fillStatus(p.status, beat.fill, beat.at);
      if (next) {
        const { state, plannedMB, filledMB, lastReport } = next;
        // A failed write is retried on the next tick, from the same report.
        applyStatus(client, contentPlacementKind, p, PLACEMENT_STATUS, {
          state,
          plannedMB,
          filledMB,
          lastReport,
        }).catch(() => undefined);
      }
    }
  }, FILL_TICK_MS);
  const replan = (o: KubernetesObject) => controller.queue.addAfter(o.metadata?.namespace ?? '', BATCH_MS);
  // Statuses change all the time (phases, fill, the counts written here); only a new spec, or
  // new pins or exclusions, can change the plan. Annotations leave the generation as it is, so
  // both count.
  const planInputs = new Map<string, string>();
  const planInputOf = ({ metadata }: KubernetesObject) =>
    JSON.stringify([
      metadata?.generation,
      metadata?.annotations?.[ANNOTATIONS.pinnedTitles],
      metadata?.annotations?.[ANNOTATIONS.excludedTitles],
    ]);
  const watchPlanInputs = (kind: 'Site' | 'ContentTitle') => {
    const informer = informers.for<KubernetesObject>(kind);
    const keyOf = (o: KubernetesObject) => `${kind}/${o.metadata?.namespace}/${o.metadata?.name}`;
    const replanOnSpec = (o: KubernetesObject) => {
      const input = planInputOf(o);
      if (planInputs.get(keyOf(o)) !== input) {
        planInputs.set(keyOf(o), input);
        replan(o);
      }
    };
    informer.on('add', replanOnSpec);
    informer.on('update', replanOnSpec);
    informer.on('delete', (o) => {
      planInputs.delete(keyOf(o));
      replan(o);
    });
  };
  watchPlanInputs('ContentTitle');
  watchPlanInputs('Site');
  informers.onResync('Site', replan);
  return { controller, stop: () => clearInterval(fillTick) };
}
