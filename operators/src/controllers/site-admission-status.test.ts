import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Site, SiteStatus } from '@smart-fleet/model';
import {
  ADMITTED,
  admissionStatus,
  BOOTSTRAP_ISSUED,
  type CredentialState,
} from './site-admission-status.ts';

const now = new Date('2026-11-25T10:00:00Z');
const problem = { path: 'spec.parentCluster', message: 'wide-area cluster wac-x does not exist' };

function site(status?: SiteStatus, generation = 3): Site {
  return {
    apiVersion: 'smartfleet.io/v1alpha1',
    kind: 'Site',
    metadata: { name: 'apt-seoul-00001', namespace: 'smart-fleet', generation },
    spec: {} as Site['spec'],
    status,
  };
}
const condition = (status: SiteStatus, type: string) => status.conditions?.find((c) => c.type === type);
const unchanged: CredentialState = { state: 'unchanged' };

describe('admissionStatus: only the admission controller’s fields', () => {
  it('a valid spec is Admitted for the generation read; the phase is left to the health controller', () => {
    const status = admissionStatus(site(), [], unchanged, now);
    assert.equal(condition(status, ADMITTED)?.status, 'True');
    assert.equal(condition(status, ADMITTED)?.observedGeneration, 3);
    assert.equal(status.observedGeneration, 3);
    assert.deepEqual(Object.keys(status).sort(), ['conditions', 'observedGeneration']);
  });

  it('a refused spec names every refused field', () => {
    const status = admissionStatus(
      site(),
      [problem, { path: 'spec.tenant', message: 'tenant t does not exist' }],
      unchanged,
      now,
    );
    assert.equal(condition(status, ADMITTED)?.status, 'False');
    assert.match(
      condition(status, ADMITTED)?.message ?? '',
      /spec\.parentCluster: wide-area cluster wac-x does not exist; spec\.tenant: tenant t does not exist/,
    );
  });

  it('keeps lastTransitionTime while the verdict holds, moves it when it changes', () => {
    const first = admissionStatus(site(), [], unchanged, now);
    const later = new Date(now.getTime() + 60000);
    const same = admissionStatus(site(first), [], unchanged, later);
    assert.equal(condition(same, ADMITTED)?.lastTransitionTime, '2026-11-25T10:00:00Z');
    const refused = admissionStatus(site(first), [problem], unchanged, later);
    assert.equal(condition(refused, ADMITTED)?.lastTransitionTime, '2026-11-25T10:01:00Z');
  });

  const credentials: { name: string; credential: CredentialState; status?: string; reason?: string }[] = [
    {
      name: 'a credential issued',
      credential: { state: 'issued', secretName: 's-bootstrap', expiresAt: new Date('2026-11-26T10:00:00Z') },
      status: 'True',
      reason: 'SecretCreated',
    },
    {
      name: 'the agent registered',
      credential: { state: 'registered' },
      status: 'False',
      reason: 'AgentRegistered',
    },
    { name: 'decommissioned', credential: { state: 'revoked' }, status: 'False', reason: 'Decommissioned' },
    { name: 'not looked at, with nothing said before', credential: unchanged },
  ];
  for (const c of credentials) {
    it(`BootstrapCredentialIssued: ${c.name}`, () => {
      const issued = condition(admissionStatus(site(), [], c.credential, now), BOOTSTRAP_ISSUED);
      assert.equal(issued?.status, c.status);
      assert.equal(issued?.reason, c.reason);
    });
  }

  it('not looking at the credentials keeps what was said of them (an apply leaving it out would remove it)', () => {
    const said = admissionStatus(site(), [], { state: 'registered' }, now);
    const again = admissionStatus(site(said), [], unchanged, new Date(now.getTime() + 1000));
    assert.deepEqual(condition(again, BOOTSTRAP_ISSUED), condition(said, BOOTSTRAP_ISSUED));
  });

  it('leaves the site object as it was', () => {
    const original = site({ phase: 'Pending' });
    const copy = structuredClone(original);
    admissionStatus(original, [], unchanged, now);
    assert.deepEqual(original, copy);
  });
});
