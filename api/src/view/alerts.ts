/**
 * Alerts are derived, not stored: a site that is unreachable or unhealthy, a rollout that
 * failed or rolled back, a wide-area cluster that is degraded. An alert is identified by its
 * source, its type and when the condition began, so a condition that clears and comes back is
 * a new alert. Acknowledgements are the only thing written: an annotation on the source object
 * (the hub stays the source of truth, and every API replica sees the same).
 */
import {
  ANNOTATIONS,
  type Condition,
  type Rollout,
  type Site,
  type WideAreaCluster,
} from '@smart-fleet/model';

export const ACK_ANNOTATION = ANNOTATIONS.acknowledgedAlerts;

export type AlertSeverity = 'CRITICAL' | 'WARNING';
export type AlertSourceKind = 'Site' | 'Rollout' | 'WideAreaCluster';

export interface Alert {
  /** `kind/namespace/name/type@since`: stable while the condition lasts. */
  id: string;
  sourceKind: AlertSourceKind;
  namespace: string;
  name: string;
  type: string;
  severity: AlertSeverity;
  message: string;
  since: string;
  /** The source's tenant (sites), for partner-scoped views. */
  tenant?: string;
  acknowledgedBy?: string;
  acknowledgedAt?: string;
}

export type Acknowledgements = Record<string, { by: string; at: string }>;

export function acknowledgementsOf(annotations: Record<string, string> | undefined): Acknowledgements {
  try {
    const parsed = JSON.parse(annotations?.[ACK_ANNOTATION] ?? '{}') as unknown;
    return typeof parsed === 'object' && parsed !== null ? (parsed as Acknowledgements) : {};
  } catch {
    return {}; // a hand-edited annotation that is not JSON acknowledges nothing
  }
}

interface Source {
  kind: AlertSourceKind;
  metadata: {
    name: string;
    namespace?: string;
    annotations?: Record<string, string>;
    creationTimestamp?: unknown;
  };
}

function alert(source: Source, fields: Omit<Alert, 'id' | 'sourceKind' | 'namespace' | 'name'>): Alert {
  const namespace = source.metadata.namespace ?? '';
  const id = `${source.kind}/${namespace}/${source.metadata.name}/${fields.type}@${fields.since}`;
  const ack = acknowledgementsOf(source.metadata.annotations)[`${fields.type}@${fields.since}`];
  return {
    id,
    sourceKind: source.kind,
    namespace,
    name: source.metadata.name,
    ...fields,
    acknowledgedBy: ack?.by,
    acknowledgedAt: ack?.at,
  };
}

const failing = (conditions: Condition[] | undefined, type: string) =>
  conditions?.find((c) => c.type === type && c.status === 'False');

export function siteAlerts(site: Site): Alert[] {
  const out: Alert[] = [];
  const source = { kind: 'Site' as const, metadata: site.metadata };
  const unreachable = failing(site.status?.conditions, 'Reachable');
  if (unreachable && site.status?.phase === 'Offline') {
    out.push(
      alert(source, {
        type: 'SiteOffline',
        severity: 'CRITICAL',
        message: unreachable.message,
        since: unreachable.lastTransitionTime,
        tenant: site.spec.tenant,
      }),
    );
  }
  const unhealthy = failing(site.status?.conditions, 'Healthy');
  if (unhealthy && site.status?.phase === 'Degraded') {
    out.push(
      alert(source, {
        type: 'SiteDegraded',
        severity: 'WARNING',
        message: `${unhealthy.reason}: ${unhealthy.message}`,
        since: unhealthy.lastTransitionTime,
        tenant: site.spec.tenant,
      }),
    );
  }
  return out;
}

const FAILED_ROLLOUT = new Set(['Failed', 'RolledBack']);

export function rolloutAlerts(rollout: Rollout): Alert[] {
  const phase = rollout.status?.phase;
  if (!phase || !FAILED_ROLLOUT.has(phase)) {
    return [];
  }
  const ready = rollout.status?.conditions?.find((c) => c.status === 'False');
  const since = ready?.lastTransitionTime ?? String(rollout.metadata.creationTimestamp ?? '');
  return [
    alert(
      { kind: 'Rollout', metadata: rollout.metadata },
      {
        type: `Rollout${phase}`,
        severity: 'CRITICAL',
        message:
          ready?.message ??
          `rollout of ${rollout.spec.release} ${phase === 'Failed' ? 'failed' : 'was rolled back'}`,
        since,
      },
    ),
  ];
}

export function clusterAlerts(cluster: WideAreaCluster): Alert[] {
  const phase = cluster.status?.phase;
  if (phase !== 'Degraded' && phase !== 'Offline') {
    return [];
  }
  const condition = cluster.status?.conditions?.find((c) => c.status === 'False');
  return [
    alert(
      { kind: 'WideAreaCluster', metadata: cluster.metadata },
      {
        type: `Cluster${phase}`,
        severity: phase === 'Offline' ? 'CRITICAL' : 'WARNING',
        message: condition?.message ?? `wide-area cluster ${cluster.metadata.name} is ${phase}`,
        since: condition?.lastTransitionTime ?? String(cluster.metadata.creationTimestamp ?? ''),
      },
    ),
  ];
}

/** `kind/namespace/name/type@since` back into its parts; undefined for anything else. */
export function parseAlertId(
  id: string,
): { kind: AlertSourceKind; namespace: string; name: string; key: string } | undefined {
  const match = /^(Site|Rollout|WideAreaCluster)\/([a-z0-9-]+)\/([a-z0-9-]+)\/([A-Za-z]+@.+)$/.exec(id);
  if (!match) {
    return undefined;
  }
  const [, kind, namespace = '', name = '', key = ''] = match;
  return { kind: kind as AlertSourceKind, namespace, name, key };
}
