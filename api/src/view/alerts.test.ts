import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Site } from '@smart-fleet/model';
import { ACK_ANNOTATION, acknowledgementsOf, parseAlertId, siteAlerts } from './alerts.ts';

const since = '2026-11-25T10:00:00Z';

function site(status: Site['status'], annotations?: Record<string, string>): Site {
  return {
    apiVersion: 'smartfleet.io/v1alpha1',
    kind: 'Site',
    metadata: { name: 'apt-1', namespace: 'fleet', annotations },
    spec: { tenant: 'metro-cable' } as Site['spec'],
    status,
  };
}

const offline = (extra: Partial<Site['status']> = {}): Site['status'] => ({
  phase: 'Offline',
  conditions: [
    {
      type: 'Reachable',
      status: 'False',
      reason: 'HeartbeatMissed',
      message: 'no heartbeat for 12 s',
      lastTransitionTime: since,
    },
  ],
  ...extra,
});

test('an offline site has one critical alert whose id says what and since when', () => {
  const [alert, ...rest] = siteAlerts(site(offline()));
  assert.equal(rest.length, 0);
  assert.equal(alert?.id, `Site/fleet/apt-1/SiteOffline@${since}`);
  assert.equal(alert?.severity, 'CRITICAL');
  assert.equal(alert?.tenant, 'metro-cable');
  assert.deepEqual(parseAlertId(alert?.id ?? ''), {
    kind: 'Site',
    namespace: 'fleet',
    name: 'apt-1',
    key: `SiteOffline@${since}`,
  });
});

test('a healthy site, or a condition without the phase, raises nothing', () => {
  assert.deepEqual(siteAlerts(site({ phase: 'Ready' })), []);
  assert.deepEqual(siteAlerts(site(offline({ phase: 'Draining' }))), []);
});

test('an acknowledgement applies to that occurrence only', () => {
  const acks = JSON.stringify({ [`SiteOffline@${since}`]: { by: 'nam', at: '2026-11-25T10:01:00Z' } });
  assert.equal(siteAlerts(site(offline(), { [ACK_ANNOTATION]: acks }))[0]?.acknowledgedBy, 'nam');
  const later = offline({
    conditions: [
      {
        type: 'Reachable',
        status: 'False',
        reason: 'HeartbeatMissed',
        message: 'x',
        lastTransitionTime: '2026-11-25T11:00:00Z',
      },
    ],
  });
  assert.equal(siteAlerts(site(later, { [ACK_ANNOTATION]: acks }))[0]?.acknowledgedBy, undefined);
  assert.deepEqual(acknowledgementsOf({ [ACK_ANNOTATION]: 'not json' }), {});
  assert.equal(parseAlertId('Site/../etc/passwd'), undefined);
});
