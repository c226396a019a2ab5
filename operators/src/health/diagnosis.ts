/**
 * Autonomous diagnosis: telemetry from a site's agent turned into findings an operator can act
 * on. Pure; thresholds are a policy object so tests and deployments can set them.
 */
import { isSaturated, SATURATION_THRESHOLD, type Site, type SiteTelemetry } from '@smart-fleet/model';

export interface DiagnosisPolicy {
  saturation: number;
  storageFull: number;
  errorsPerHeartbeat: number;
}

export const DEFAULT_DIAGNOSIS: DiagnosisPolicy = {
  saturation: SATURATION_THRESHOLD,
  storageFull: 0.95,
  errorsPerHeartbeat: 50,
};

export interface Finding {
  reason: 'EgressSaturated' | 'AcceleratorFailed' | 'StorageNearlyFull' | 'ErrorBurst';
  message: string;
}

export function diagnose(
  site: Site,
  t: SiteTelemetry,
  policy: DiagnosisPolicy = DEFAULT_DIAGNOSIS,
): Finding[] {
  const findings: Finding[] = [];
  const budget = site.spec.streaming.egressBudgetMbps;
  if (isSaturated(t, budget, policy.saturation)) {
    findings.push({
      reason: 'EgressSaturated',
      message: `egress ${t.egressMbps} Mbps is over ${Math.round(policy.saturation * 100)}% of the ${budget} Mbps budget; move subscribers to lower bitrates or add a module`,
    });
  }
  const accelerators = site.spec.hardware.accelerators;
  // Unknown (no device plugin reports) is not failing.
  if (t.acceleratorsHealthy !== undefined && t.acceleratorsHealthy < accelerators) {
    findings.push({
      reason: 'AcceleratorFailed',
      message: `${accelerators - t.acceleratorsHealthy} of ${accelerators} stream accelerators failing; streams fall back to CPU, replace the module`,
    });
  }
  const storage = site.spec.hardware.storageGB;
  if (t.storageUsedGB > policy.storageFull * storage) {
    findings.push({
      reason: 'StorageNearlyFull',
      message: `storage ${t.storageUsedGB} of ${storage} GB used; content placement will evict the long tail`,
    });
  }
  if (t.errors > policy.errorsPerHeartbeat) {
    findings.push({
      reason: 'ErrorBurst',
      message: `${t.errors} errors since the last heartbeat; check the site's service logs`,
    });
  }
  return findings;
}
