import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type AdmissionRequest, review } from './admission.ts';

const request = (kind: string, spec: unknown, operation = 'CREATE'): AdmissionRequest => ({
  uid: 'u1',
  kind: { group: 'smartfleet.io', version: 'v1alpha1', kind },
  operation,
  object: { metadata: { name: 'x1' }, spec },
});

describe('review', () => {
  it('allows kinds it does not know and deletions', () => {
    assert.equal(review(request('ConfigMap', {})).allowed, true);
    assert.equal(review(request('Site', { nonsense: true }, 'DELETE')).allowed, true);
  });

  it('refuses with 403 and the fields named, echoing the request uid', () => {
    const answer = review(
      request('Rollout', {
        release: 'r',
        selector: {},
        waves: [{ name: 'w', percent: 50, maxUnavailable: 1 }],
        healthGate: {},
      }),
    );
    assert.equal(answer.uid, 'u1');
    assert.equal(answer.allowed, false);
    assert.equal(answer.status?.code, 403);
    assert.match(answer.status?.message ?? '', /spec\.selector: selects every site/);
    assert.match(answer.status?.message ?? '', /spec\.waves\[0\]\.percent: the last wave must reach 100%/);
  });

  it('refuses a bad object name as well as a bad spec', () => {
    const answer = review({
      ...request('Tenant', { displayName: 'T', kind: 'carrier', contactEmail: 'a@b.example' }),
      object: {
        metadata: { name: 'Not_A_Name' },
        spec: { displayName: 'T', kind: 'carrier', contactEmail: 'a@b.example' },
      },
    });
    assert.equal(answer.allowed, false);
    assert.match(answer.status?.message ?? '', /metadata\.name/);
  });
});
