/**
 * What the site agent drives beside the release it applies: the site's data-plane services (its
 * streaming edge: admission, nginx, pre-positioning). The agent hands them each new bundle and
 * reads the fill progress from them; it owns the off-peak window, they own the bytes.
 */
import type { SiteTelemetry } from '@smart-fleet/model';
import {
  type EdgePlan,
  type EdgeTelemetry,
  entitlementKeys,
  type FillProgress,
  type SiteEdge,
} from '@smart-fleet/services';
import type { Bundle } from './bundle.ts';

export interface SiteServices {
  /** Brings the services to the bundle; throws if they cannot take it (the bundle is then failed). */
  apply(bundle: Bundle, fillWindowOpen: () => boolean): Promise<void>;
  /** Pre-positioning progress from the bytes on disk; undefined before any plan. */
  fill(): FillProgress | undefined;
}

/**
 * A release's edge pods as the agent's services: the agent's render gives them each bundle's plan
 * (a ConfigMap they watch), so applying asks nothing more of them; the fill is what their last
 * reading said.
 */
export function releasePodServices(readings: { fill(): FillProgress | undefined }): SiteServices {
  return { apply: async () => {}, fill: () => readings.fill() };
}

/** The edge's plan from a bundle: the site's egress budget, its placed titles, its parents. */
export function edgePlan(bundle: Bundle, originUrls: readonly string[]): EdgePlan {
  return {
    egressBudgetMbps: bundle.site.spec.streaming.egressBudgetMbps,
    originUrls,
    titles: (bundle.placement?.titles ?? []).map((t) => ({
      title: t.title,
      renditions: t.renditions,
      sizeMB: t.sizeMB,
    })),
  };
}

/**
 * A SiteEdge as the agent's services; `originUrls` are the parent tier's distribution nodes. The
 * hub's entitlement keys in the bundle replace the ones the edge was started with.
 */
export function edgeServices(edge: SiteEdge, originUrls: readonly string[]): SiteServices {
  let planned = false;
  return {
    async apply(bundle, fillWindowOpen) {
      if (bundle.entitlementKeys) {
        edge.useEntitlementKeys(entitlementKeys(bundle.entitlementKeys));
      }
      edge.gateFill(fillWindowOpen);
      await edge.apply(edgePlan(bundle, originUrls));
      planned = true;
    },
    fill: () => (planned ? edge.fill() : undefined),
  };
}

/**
 * Turns a running count into what it added since the previous reading (restarted from zero: all
 * of it). Without a starting value the first reading is the baseline: it adds nothing.
 */
function countSince(start?: number): (now: number) => number {
  let before = start;
  return (now) => {
    const added = before === undefined ? 0 : now >= before ? now - before : now;
    before = now;
    return added;
  };
}

/** Where the heartbeat's figures come from: an in-process edge and proxy, or release pods. */
export interface SiteReadings {
  /** The edge's figures: gauges now, and its errors and refusals as running counts or per window. */
  edge(): EdgeTelemetry | Promise<EdgeTelemetry>;
  /** License requests denied so far (a running count); none where no proxy reports. */
  licenseDenied?(): number | Promise<number>;
  /** The node's healthy accelerators; undefined where nothing reports them. */
  acceleratorsHealthy?(): number | undefined;
}

/**
 * The heartbeat's figures, read from the site's services: sessions, egress, cache hits, storage
 * and errors from the edge, the sessions it refused, and DRM denials from the site license proxy
 * (counts since the last heartbeat). The edge is read once a heartbeat: each reading of its log
 * is the window since the previous one. Accelerator health comes from the node (the device
 * plugin's healthy count, as the kubelet's allocatable) where one runs, and is left out otherwise
 * (unknown, not zero).
 */
export function siteTelemetry(readings: SiteReadings): () => Promise<SiteTelemetry> {
  const denied = async () => (await readings.licenseDenied?.()) ?? 0;
  let drmDenials: ((now: number) => number) | undefined;
  const admissionRefusals = countSince();
  return async () => {
    const [t, deniedNow] = await Promise.all([readings.edge(), denied()]);
    // The first reading is the baseline: denials before the agent started are not this beat's.
    drmDenials ??= countSince(deniedNow);
    const healthy = readings.acceleratorsHealthy?.();
    return {
      activeStreams: t.activeStreams,
      egressMbps: t.egressMbps,
      cacheHitRatio: t.cacheHitRatio,
      storageUsedGB: t.storageUsedGB,
      drmDenials: drmDenials(deniedNow),
      admissionRefusals: admissionRefusals(t.admissionRefusals),
      errors: t.errors,
      ...(healthy === undefined ? {} : { acceleratorsHealthy: healthy }),
    };
  };
}

/** An in-process edge and license proxy as the heartbeat's readings. */
export function inProcessReadings(edge: SiteEdge, licenseProxy?: { readonly denied: number }): SiteReadings {
  return {
    edge: () => edge.telemetry(),
    ...(licenseProxy ? { licenseDenied: () => licenseProxy.denied } : {}),
  };
}
