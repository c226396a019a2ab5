/**
 * The health controller's part of a Site's status (SITE_HEALTH_STATUS), pure: from the site,
 * its last heartbeat, the findings and the time, the phase and conditions it should have.
 *   lifecycle Draining or Decommissioned       -> that phase (the operator's request wins)
 *   never heard from                           -> Provisioning once admitted, else Pending
 *   heartbeat older than the grace             -> Offline
 *   taken as heard by a new leader, not stale  -> the phase the hub had (no telemetry to judge)
 *   fresh, no findings / findings              -> Ready / Degraded, one reason per finding
 * A heard-from site whose spec is later refused keeps serving: its phase follows its agent,
 * and the Admitted condition says what is wrong.
 */
import { findCondition, setCondition } from '@smart-fleet/kube';
import type { Condition, Site, SiteStatus } from '@smart-fleet/model';
import type { Finding } from './diagnosis.ts';
import type { Heartbeat } from './heartbeat-store.ts';

export const HEALTHY = 'Healthy';
export const REACHABLE = 'Reachable';
export const RELEASE_APPLIED = 'ReleaseApplied';
const ADMITTED = 'Admitted';
const OWN_CONDITIONS = new Set([HEALTHY, REACHABLE, RELEASE_APPLIED]);

const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');

/** When the agent was really last heard: never the time a new leader assumed it. */
function lastHeard(heartbeat: Heartbeat): string | undefined {
  const at = heartbeat.assumed ? heartbeat.assumed.lastHeard : heartbeat.at;
  return at === undefined ? undefined : iso(at);
}

export interface HealthInput {
  heartbeat?: Heartbeat;
  findings: Finding[];
  now: number;
  graceMs: number;
}

type Phase = NonNullable<SiteStatus['phase']>;

function phaseFor(site: Site, input: HealthInput, stale: boolean): Phase {
  const lifecycle = site.spec.lifecycle ?? 'Active';
  if (lifecycle !== 'Active') {
    return lifecycle;
  }
  const { heartbeat, findings } = input;
  if (!heartbeat) {
    return findCondition(site.status?.conditions, ADMITTED)?.status === 'True' ? 'Provisioning' : 'Pending';
  }
  if (stale) {
    return 'Offline';
  }
  const current = site.status?.phase;
  if (heartbeat.assumed && (current === 'Ready' || current === 'Degraded')) {
    return current;
  }
  return findings.length > 0 ? 'Degraded' : 'Ready';
}

function reachable(heartbeat: Heartbeat, stale: boolean, input: HealthInput) {
  return stale
    ? {
        type: REACHABLE,
        status: 'False' as const,
        reason: 'HeartbeatMissed',
        message: `no heartbeat since ${lastHeard(heartbeat) ?? 'before the operators restarted'} (grace ${input.graceMs / 1000} s)`,
      }
    : {
        type: REACHABLE,
        status: 'True' as const,
        reason: 'HeartbeatReceived',
        message: 'the site agent reports',
      };
}

function healthy(findings: readonly Finding[]) {
  return findings.length > 0
    ? {
        type: HEALTHY,
        status: 'False' as const,
        reason: findings.map((f) => f.reason).join(','),
        message: findings.map((f) => f.message).join('; '),
      }
    : {
        type: HEALTHY,
        status: 'True' as const,
        reason: 'NoFindings',
        message: 'telemetry within every threshold',
      };
}

function releaseApplied(heartbeat: Heartbeat) {
  if (heartbeat.failedRelease) {
    const still = heartbeat.release ? `; it keeps running ${heartbeat.release}` : '';
    return {
      type: RELEASE_APPLIED,
      status: 'False' as const,
      reason: 'ReleaseFailed',
      message: `release ${heartbeat.failedRelease} failed on the site${heartbeat.failedReason ? `: ${heartbeat.failedReason}` : ''}${still}`,
    };
  }
  return heartbeat.release
    ? {
        type: RELEASE_APPLIED,
        status: 'True' as const,
        reason: 'Running',
        message: `running ${heartbeat.release}`,
      }
    : undefined;
}

export function healthStatus(site: Site, input: HealthInput): SiteStatus {
  const { heartbeat, now } = input;
  const stale = heartbeat !== undefined && now - heartbeat.at > input.graceMs;
  const phase = phaseFor(site, input, stale);
  if (!heartbeat) {
    return { phase, conditions: [] };
  }
  const previous = (site.status?.conditions ?? []).filter((c) => OWN_CONDITIONS.has(c.type));
  const when = new Date(now);
  let conditions: Condition[] = setCondition(previous, reachable(heartbeat, stale, input), when);
  // Taken as heard, nothing is known of the telemetry: the last verdict stands.
  const keepHealthy = heartbeat.assumed ? findCondition(previous, HEALTHY) : undefined;
  conditions = keepHealthy ? conditions : setCondition(conditions, healthy(input.findings), when);
  const release = releaseApplied(heartbeat);
  conditions = release
    ? setCondition(conditions, release, when)
    : conditions.filter((c) => c.type !== RELEASE_APPLIED);
  return {
    phase,
    ...(lastHeard(heartbeat) ? { lastHeartbeat: lastHeard(heartbeat) } : {}),
    ...((heartbeat.release ?? site.status?.deployedRelease)
      ? { deployedRelease: heartbeat.release ?? site.status?.deployedRelease }
      : {}),
    conditions,
  };
}

/** What decides a write: phase, release, and the conditions' statuses and reasons, not times or messages. */
export function significant(status: SiteStatus | undefined): string {
  const conditions = (status?.conditions ?? [])
    .filter((c) => OWN_CONDITIONS.has(c.type))
    .map((c) => `${c.type}=${c.status}/${c.reason}`)
    .sort();
  return JSON.stringify([status?.phase, status?.deployedRelease, conditions]);
}
