/** Telemetry for tests: a calm site's, and what the hub exports of a site's heartbeats. */
import { TELEMETRY_METRICS } from '@smart-fleet/model';

/** Telemetry of a quiet, healthy site: well inside every diagnosis threshold. */
export const calmTelemetry = {
  activeStreams: 10,
  egressMbps: 500,
  cacheHitRatio: 0.9,
  storageUsedGB: 100,
  acceleratorsHealthy: 4,
  drmDenials: 0,
  admissionRefusals: 0,
  errors: 0,
} as const;

/** A site's figure as the hub's manager exports it on /metrics; undefined before any heartbeat. */
export async function exportedFigure(
  metricsUrl: string,
  site: string,
  field: keyof typeof TELEMETRY_METRICS,
): Promise<number | undefined> {
  const metrics = await (await fetch(`${metricsUrl}/metrics`)).text();
  const line = metrics
    .split('\n')
    .find((l) => l.startsWith(`${TELEMETRY_METRICS[field]}{`) && l.includes(`site="${site}"`));
  return line === undefined ? undefined : Number(line.split(' ').at(-1));
}
