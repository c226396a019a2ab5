import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Site, SiteStatus } from '@smart-fleet/model';
import { ADMITTED, admissionStatus } from './site-admission-status.ts';

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

describe('admissionStatus', () => {
  const cases: {
    name: string;
    status?: SiteStatus;
    problems: (typeof problem)[];
    phase: string;
    admitted: string;
  }[] = [
    { name: 'a new valid site goes to Provisioning', problems: [], phase: 'Provisioning', admitted: 'True' },
    { name: 'a new invalid site stays Pending', problems: [problem], phase: 'Pending', admitted: 'False' },
    {
      name: 'a Pending site that is fixed goes to Provisioning',
      status: { phase: 'Pending' },
      problems: [],
      phase: 'Provisioning',
      admitted: 'True',
    },
    {
      name: 'a Ready site keeps its phase when valid',
      status: { phase: 'Ready' },
      problems: [],
      phase: 'Ready',
      admitted: 'True',
    },
    {
      name: 'a Ready site edited into an invalid spec keeps serving (phase unchanged)',
      status: { phase: 'Ready' },
      problems: [problem],
      phase: 'Ready',
      admitted: 'False',
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const status = admissionStatus(site(c.status), c.problems, now);
      assert.equal(status.phase, c.phase);
      const admitted = status.conditions?.find((x) => x.type === ADMITTED);
      assert.equal(admitted?.status, c.admitted);
      assert.equal(admitted?.observedGeneration, 3);
      assert.equal(status.observedGeneration, 3);
    });
  }

  const lifecycles: {
    name: string;
    lifecycle: 'Active' | 'Draining' | 'Decommissioned';
    phase?: SiteStatus['phase'];
    want: string;
  }[] = [
    {
      name: 'a drain request takes a Ready site to Draining',
      lifecycle: 'Draining',
      phase: 'Ready',
      want: 'Draining',
    },
    {
      name: 'decommissioning takes it to Decommissioned',
      lifecycle: 'Decommissioned',
      phase: 'Draining',
      want: 'Decommissioned',
    },
    {
      name: 'a drained site put back in service provisions again',
      lifecycle: 'Active',
      phase: 'Draining',
      want: 'Provisioning',
    },
  ];
  for (const c of lifecycles) {
    it(c.name, () => {
      const s0 = site(c.phase ? { phase: c.phase } : undefined);
      s0.spec = { ...s0.spec, lifecycle: c.lifecycle };
      assert.equal(admissionStatus(s0, [], now).phase, c.want);
    });
  }

  it('names the refused fields in the condition message', () => {
    const status = admissionStatus(
      site(),
      [problem, { path: 'spec.tenant', message: 'tenant t does not exist' }],
      now,
    );
    const message = status.conditions?.find((x) => x.type === ADMITTED)?.message ?? '';
    assert.match(
      message,
      /spec\.parentCluster: wide-area cluster wac-x does not exist; spec\.tenant: tenant t does not exist/,
    );
  });

  it('leaves the site object as it was', () => {
    const original = site({ phase: 'Pending' });
    const copy = structuredClone(original);
    admissionStatus(original, [], now);
    assert.deepEqual(original, copy);
  });
});
