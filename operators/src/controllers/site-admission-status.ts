/**
 * The site admission controller's status arithmetic, pure so it is tested table-driven:
 * given a site, the problems the fleet rules found and the time, the status it should have.
 */

import { setCondition } from '@smart-fleet/kube';
import { formatProblems, type Problem, type Site, type SiteStatus } from '@smart-fleet/model';

export const ADMITTED = 'Admitted';
export const BOOTSTRAP_ISSUED = 'BootstrapCredentialIssued';

/**
 * An operator's lifecycle request wins (Draining, Decommissioned); a site put back in service
 * provisions again; admission moves a new site on to Provisioning. Ready, Degraded and Offline
 * belong to the health controller.
 */
function phaseFor(site: Site, phase: SiteStatus['phase'], admitted: boolean): SiteStatus['phase'] {
  const lifecycle = site.spec.lifecycle ?? 'Active';
  if (lifecycle !== 'Active') {
    return lifecycle;
  }
  if (phase === undefined || phase === 'Pending' || phase === 'Draining' || phase === 'Decommissioned') {
    return admitted ? 'Provisioning' : 'Pending';
  }
  return phase;
}

export function admissionStatus(site: Site, problems: readonly Problem[], now: Date): SiteStatus {
  const status: SiteStatus = structuredClone(site.status ?? {});
  const generation = site.metadata.generation;
  const admitted = problems.length === 0;
  status.conditions = setCondition(
    status.conditions,
    admitted
      ? {
          type: ADMITTED,
          status: 'True',
          reason: 'Valid',
          message: 'the spec satisfies the fleet rules',
          observedGeneration: generation,
        }
      : {
          type: ADMITTED,
          status: 'False',
          reason: 'InvalidSpec',
          message: formatProblems(problems),
          observedGeneration: generation,
        },
    now,
  );
  status.phase = phaseFor(site, status.phase, admitted);
  if (generation !== undefined) {
    status.observedGeneration = generation;
  }
  return status;
}

export function withBootstrapIssued(
  status: SiteStatus,
  secretName: string,
  expiresAt: Date,
  now: Date,
): SiteStatus {
  return {
    ...status,
    conditions: setCondition(
      status.conditions,
      {
        type: BOOTSTRAP_ISSUED,
        status: 'True',
        reason: 'SecretCreated',
        message: `single-use agent bootstrap credential in Secret ${secretName}, valid until ${expiresAt.toISOString()}`,
      },
      now,
    ),
  };
}
