/**
 * What the site agent drives beside the release it applies: the site's data-plane services (its
 * streaming edge: admission, nginx, pre-positioning). The agent hands them each new bundle and
 * reads the fill progress from them; it owns the off-peak window, they own the bytes.
 */
import type { SiteTelemetry } from '@smart-fleet/model';
import type { EdgePlan, FillProgress, SiteEdge } from '@smart-fleet/services';
import type { Bundle } from './bundle.ts';

export interface SiteServices {
  /** Brings the services to the bundle; throws if they cannot take it (the bundle is then failed). */
  apply(bundle: Bundle, fillWindowOpen: () => boolean): Promise<void>;
  /** Pre-positioning progress from the bytes on disk; undefined before any plan. */
  fill(): FillProgress | undefined;
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

/** A SiteEdge as the agent's services; `originUrls` are the parent tier's distribution nodes. */
export function edgeServices(edge: SiteEdge, originUrls: readonly string[]): SiteServices {
  let planned = false;
  return {
    async apply(bundle, fillWindowOpen) {
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

/**
 * The heartbeat's figures, read from the site's services: sessions, egress, cache hits, storage
 * and errors from the edge, the sessions it refused, and DRM denials from the site license proxy
 * (counts since the last heartbeat). The edge is read once a heartbeat: each reading of its log
 * is the window since the previous one. Accelerator health comes from the node (the device
 * plugin's healthy count, as the kubelet's allocatable) where one runs, and is left out otherwise
 * (unknown, not zero).
 */
export function siteTelemetry(
  edge: SiteEdge,
  licenseProxy?: { readonly denied: number },
  accelerators?: { healthy(): number | undefined },
): () => SiteTelemetry {
  const drmDenials = countSince(licenseProxy?.denied ?? 0);
  const admissionRefusals = countSince();
  return () => {
    const t = edge.telemetry();
    const healthy = accelerators?.healthy();
    return {
      activeStreams: t.activeStreams,
      egressMbps: t.egressMbps,
      cacheHitRatio: t.cacheHitRatio,
      storageUsedGB: t.storageUsedGB,
      drmDenials: drmDenials(licenseProxy?.denied ?? 0),
      admissionRefusals: admissionRefusals(t.admissionRefusals),
      errors: t.errors,
      ...(healthy === undefined ? {} : { acceleratorsHealthy: healthy }),
    };
  };
}
