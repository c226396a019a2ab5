/**
 * The site admission controller's part of a Site's status, pure so it is tested table-driven:
 * the Admitted condition (the fleet rules' verdict on the spec, for the generation it read),
 * the status's observedGeneration, and the BootstrapCredentialIssued condition. The phase is
 * the health controller's: it reads the Admitted verdict from here.
 */

import { findCondition, setCondition } from '@smart-fleet/kube';
import { type Condition, formatProblems, type Problem, type Site, type SiteStatus } from '@smart-fleet/model';

export const ADMITTED = 'Admitted';
export const BOOTSTRAP_ISSUED = 'BootstrapCredentialIssued';

/** What admission learned of the site's agent credentials this reconcile. */
export type CredentialState =
  | { state: 'issued'; secretName: string; expiresAt: Date }
  | { state: 'registered' }
  | { state: 'revoked' }
  /** Not looked at (the agent is heard from): the condition stays as it was. */
  | { state: 'unchanged' };

function credentialCondition(previous: Condition | undefined, credential: CredentialState) {
  switch (credential.state) {
    case 'issued':
      return {
        type: BOOTSTRAP_ISSUED,
        status: 'True' as const,
        reason: 'SecretCreated',
        message: `single-use agent bootstrap credential in Secret ${credential.secretName}, valid until ${credential.expiresAt.toISOString()}`,
      };
    case 'registered':
      return {
        type: BOOTSTRAP_ISSUED,
        status: 'False' as const,
        reason: 'AgentRegistered',
        message: 'the agent registered with its bootstrap credential, which is spent',
      };
    case 'revoked':
      return {
        type: BOOTSTRAP_ISSUED,
        status: 'False' as const,
        reason: 'Decommissioned',
        message: 'the site is decommissioned: its agent credentials are revoked',
      };
    default:
      return previous;
  }
}

export function admissionStatus(
  site: Site,
  problems: readonly Problem[],
  credential: CredentialState,
  now: Date,
): SiteStatus {
  const generation = site.metadata.generation;
  const previous = site.status?.conditions;
  let conditions = setCondition(
    previous?.filter((c) => c.type === ADMITTED),
    problems.length === 0
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
  const issued = credentialCondition(findCondition(previous, BOOTSTRAP_ISSUED), credential);
  if (issued) {
    conditions = setCondition(
      [...conditions, ...(previous ?? []).filter((c) => c.type === BOOTSTRAP_ISSUED)],
      issued,
      now,
    );
  }
  return { ...(generation !== undefined ? { observedGeneration: generation } : {}), conditions };
}
