/**
 * The local server's capacity arithmetic, from the paper's Table 1. The egress budget is the
 * binding rule: concurrent streams x bitrate must fit the server's egress, 4 Gbps for a fully
 * built server (200 x 20 Mbps, or 2,000 x 2 Mbps), scaled down for smaller hardware.
 */

/** Egress of a fully built local server: 2 CPUs and 4 network/storage modules. */
export const FULL_SERVER_EGRESS_MBPS = 4000;
/** Each network/storage module (where stream acceleration lives) drives 1 Gbps of streams. */
export const EGRESS_MBPS_PER_MODULE = 1000;
/** Each Xeon feeds two modules' worth of protocol processing. */
export const EGRESS_MBPS_PER_CPU = 2000;
/** Up to 1,000 subscribers on a full server: 250 per module. */
export const SUBSCRIBERS_PER_MODULE = 250;
export const MAX_SUBSCRIBERS = 1000;
/** Service bitrates run from TV quality (2 Mbps) to HDTV (20 Mbps). */
export const MIN_BITRATE_MBPS = 2;
export const MAX_BITRATE_MBPS = 20;

export interface HardwareShape {
  cpus: number;
  modules: number;
}

export interface BitrateStreams {
  bitrateMbps: number;
  streams: number;
}

/** The most egress this hardware can push, whichever of CPUs or modules runs out first. */
export function hardwareEgressLimitMbps(hw: HardwareShape): number {
  return Math.min(
    hw.modules * EGRESS_MBPS_PER_MODULE,
    hw.cpus * EGRESS_MBPS_PER_CPU,
    FULL_SERVER_EGRESS_MBPS,
  );
}

export function hardwareSubscriberLimit(hw: HardwareShape): number {
  return Math.min(hw.modules * SUBSCRIBERS_PER_MODULE, MAX_SUBSCRIBERS);
}

/** Concurrent streams of one bitrate an egress budget carries. Computed in kbps so 2.5 Mbps is exact. */
export function streamCapacity(egressBudgetMbps: number, bitrateMbps: number): number {
  return Math.floor(Math.round(egressBudgetMbps * 1000) / Math.round(bitrateMbps * 1000));
}

/** Egress a stream plan needs, in Mbps (kbps arithmetic, so no floating-point drift). */
export function plannedEgressMbps(plan: readonly BitrateStreams[]): number {
  const kbps = plan.reduce((sum, p) => sum + p.streams * Math.round(p.bitrateMbps * 1000), 0);
  return kbps / 1000;
}

/** The Table 1 row for a budget: streams per common service bitrate. */
export function streamCapacityTable(egressBudgetMbps: number): BitrateStreams[] {
  return [2, 4, 6, 8, 10, 15, 20].map((bitrateMbps) => ({
    bitrateMbps,
    streams: streamCapacity(egressBudgetMbps, bitrateMbps),
  }));
}
