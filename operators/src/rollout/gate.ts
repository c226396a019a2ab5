/**
 * The health gate a moved site must pass on the new release: every signal its heartbeat carries
 * that says a release is bad, against the thresholds in the rollout's spec. Pure. Counts a
 * heartbeat carries (errors, DRM denials since the previous one) become rates per minute over
 * the time between the two heartbeats.
 */
import { egressSaturation, type RolloutSpec, type SiteTelemetry } from '@smart-fleet/model';

/** The heartbeat protocol's interval: the rate basis when a site has sent only one heartbeat. */
export const NOMINAL_HEARTBEAT_MS = 5000;

export interface GateInput {
  telemetry: SiteTelemetry;
  /** Time since the site's previous heartbeat. */
  intervalMs?: number;
  egressBudgetMbps: number;
  acceleratorsInstalled: number;
}

const perMinute = (count: number, intervalMs = NOMINAL_HEARTBEAT_MS) =>
  (count * 60000) / Math.max(1000, intervalMs);
const round = (n: number) => Math.round(n * 100) / 100;

/** Why the site fails the gate on this heartbeat, or undefined when it passes every threshold. */
export function gateFailure(gate: RolloutSpec['healthGate'], input: GateInput): string | undefined {
  const t = input.telemetry;
  const errors = perMinute(t.errors, input.intervalMs);
  if (errors > gate.maxErrorRatePerMinute) {
    return `error rate ${round(errors)}/min over ${gate.maxErrorRatePerMinute}/min`;
  }
  const saturation = egressSaturation(t, input.egressBudgetMbps);
  if (saturation > gate.maxEgressSaturation) {
    return `egress ${t.egressMbps} Mbps is ${round(saturation * 100)}% of the budget, over ${gate.maxEgressSaturation * 100}%`;
  }
  const denials = perMinute(t.drmDenials, input.intervalMs);
  if (denials > gate.maxDrmDenialsPerMinute) {
    return `DRM denials ${round(denials)}/min over ${gate.maxDrmDenialsPerMinute}/min`;
  }
  // An idle edge serves nothing from cache or elsewhere: its ratio says nothing of the release.
  if (t.activeStreams > 0 && t.cacheHitRatio < gate.minCacheHitRatio) {
    return `cache hit ratio ${round(t.cacheHitRatio)} under ${gate.minCacheHitRatio}`;
  }
  // Unknown (no device plugin reports) is not failing.
  const failed =
    t.acceleratorsHealthy === undefined ? 0 : input.acceleratorsInstalled - t.acceleratorsHealthy;
  if (failed > gate.maxAcceleratorsFailed) {
    return `${failed} of ${input.acceleratorsInstalled} stream accelerators failing, over ${gate.maxAcceleratorsFailed}`;
  }
  return undefined;
}
