/**
 * Telemetry for an agent with no streaming server behind it (the local hub's sample sites): a
 * daily viewing curve peaking in the evening, different per site, within the site's budget.
 * Real agents read their streaming edge and accelerators instead.
 */
import type { SiteTelemetry } from '@smart-fleet/model';

export function syntheticTelemetry(site: string, budgetMbps = 4000): () => SiteTelemetry {
  const seed = [...site].reduce((h, c) => (h * 31 + c.charCodeAt(0)) >>> 0, 7);
  return () => {
    const hour = (new Date().getUTCHours() + 9) % 24; // Korea time
    const evening = Math.max(0, Math.cos(((hour - 21) / 24) * 2 * Math.PI));
    const load = 0.1 + 0.6 * evening + (seed % 10) / 100;
    const egressMbps = Math.round(budgetMbps * load);
    return {
      activeStreams: Math.round(egressMbps / 6),
      egressMbps,
      cacheHitRatio: 0.85,
      storageUsedGB: 300 + (seed % 500),
      acceleratorsHealthy: 4,
      drmDenials: 0,
      errors: 0,
    };
  };
}
