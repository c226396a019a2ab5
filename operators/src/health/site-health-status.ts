/**
 * The health controller's status arithmetic, pure: from a site, its last heartbeat, the
 * findings and the time, the phase and conditions it should have.
 *   no heartbeat yet           -> phase unchanged (Pending/Provisioning)
 *   heartbeat older than grace -> Offline
 *   fresh, no findings         -> Ready
 *   fresh, findings            -> Degraded, one condition per finding
 *   fresh, nothing to judge    -> Ready or Degraded as it was (a heartbeat assumed at a
 *                                 leader's takeover carries no telemetry: the Healthy
 *                                 condition stays until the agent's next report)
 * Draining and Decommissioned belong to the operator's requests and are never overridden.
 */

import { setCondition } from '@smart-fleet/kube';
import type { Site, SiteStatus } from '@smart-fleet/model';
import type { Finding } from './diagnosis.ts';
import type { Heartbeat } from './heartbeat-store.ts';

export const HEALTHY = 'Healthy';
export const REACHABLE = 'Reachable';
const HELD_PHASES = new Set(['Draining', 'Decommissioned']);

const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');

function phaseFor(
  current: SiteStatus['phase'],
  heartbeat: Heartbeat | undefined,
  stale: boolean,
  findings: Finding[] | undefined,
) {
  if (current && HELD_PHASES.has(current)) {
    return current;
  }
  if (!heartbeat) {
    return current;
  }
  if (stale) {
    return 'Offline';
  }
  if (!findings) {
    return current === 'Degraded' ? 'Degraded' : 'Ready';
  }
  return findings.length > 0 ? 'Degraded' : 'Ready';
}

export interface HealthInput {
  heartbeat?: Heartbeat;
  /** Undefined when the heartbeat carries no telemetry to judge. */
  findings?: Finding[];
  now: number;
  graceMs: number;
}

export function healthStatus(site: Site, input: HealthInput): SiteStatus {
  const status: SiteStatus = structuredClone(site.status ?? {});
  const { heartbeat, findings, now, graceMs } = input;
  if (!heartbeat) {
    return status;
  }
  const stale = now - heartbeat.at > graceMs;
  const when = new Date(now);
  status.phase = phaseFor(status.phase, heartbeat, stale, findings);
  status.lastHeartbeat = iso(heartbeat.at);
  status.deployedRelease = heartbeat.release ?? status.deployedRelease;
  status.conditions = setCondition(
    status.conditions,
    stale
      ? {
          type: REACHABLE,
          status: 'False',
          reason: 'HeartbeatMissed',
          message: `no heartbeat for ${Math.round((now - heartbeat.at) / 1000)} s (grace ${graceMs / 1000} s)`,
        }
      : { type: REACHABLE, status: 'True', reason: 'HeartbeatReceived', message: 'the site agent reports' },
    when,
  );
  if (!findings) {
    return status;
  }
  status.conditions = setCondition(
    status.conditions,
    findings.length > 0
      ? {
          type: HEALTHY,
          status: 'False',
          reason: findings.map((f) => f.reason).join(','),
          message: findings.map((f) => f.message).join('; '),
        }
      : { type: HEALTHY, status: 'True', reason: 'NoFindings', message: 'telemetry within every threshold' },
    when,
  );
  return status;
}
