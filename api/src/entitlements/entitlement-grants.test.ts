/** The bounds on issueEntitlement's own arguments, at and just past each edge. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type EntitlementRequest, requestIssues } from './entitlement-grants.ts';

const request = (over: Partial<EntitlementRequest>): EntitlementRequest => ({
  namespace: 'smart-fleet',
  title: 'seoul-by-night',
  site: 'apt-seoul-00001',
  subscriber: 'sub-1',
  ...over,
});

test('subscriber and ttlSeconds: in bounds pass, out of bounds name the argument', () => {
  const cases: [Partial<EntitlementRequest>, string[]][] = [
    [{}, []],
    [{ subscriber: 'x'.repeat(128) }, []],
    [{ subscriber: 'urn:carrier:acct-9.1_a@b-c' }, []],
    [{ ttlSeconds: 30 }, []],
    [{ ttlSeconds: 900 }, []],
    [{ ttlSeconds: null }, []],
    [{ subscriber: '' }, ['subscriber']],
    [{ subscriber: 'x'.repeat(129) }, ['subscriber']],
    [{ subscriber: 'a/b' }, ['subscriber']],
    [{ subscriber: 'line\nbreak' }, ['subscriber']],
    [{ ttlSeconds: 29 }, ['ttlSeconds']],
    [{ ttlSeconds: 901 }, ['ttlSeconds']],
    [{ subscriber: ' ', ttlSeconds: 0 }, ['subscriber', 'ttlSeconds']],
  ];
  for (const [over, fields] of cases) {
    assert.deepEqual(
      requestIssues(request(over)).map((i) => i.field),
      fields,
      JSON.stringify(over),
    );
  }
});
