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
