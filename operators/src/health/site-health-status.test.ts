import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HARDWARE_PROFILES, type Site, type SiteStatus } from '@smart-fleet/model';
import { diagnose, type Telemetry } from './diagnosis.ts';
import { healthStatus } from './site-health-status.ts';

const calm: Telemetry = {
  activeStreams: 10,
  egressMbps: 1000,
  cacheHitRatio: 0.9,
  storageUsedGB: 100,
  acceleratorsHealthy: 4,
  drmDenials: 0,
  errors: 0,
};

function site(phase?: SiteStatus['phase']): Site {
  return {
    apiVersion: 'smartfleet.io/v1alpha1',
    kind: 'Site',
    metadata: { name: 's', namespace: 'n', generation: 1 },
    spec: {
      hardware: { ...HARDWARE_PROFILES['smp-full'] },
      streaming: { egressBudgetMbps: 4000 },
    } as Site['spec'],
    status: phase ? { phase } : undefined,
  };
}

describe('diagnose', () => {
  const cases: { name: string; telemetry: Partial<Telemetry>; reasons: string[] }[] = [
    { name: 'calm telemetry', telemetry: {}, reasons: [] },
    { name: 'egress at 90% exactly is fine', telemetry: { egressMbps: 3600 }, reasons: [] },
    { name: 'egress over 90% of the budget', telemetry: { egressMbps: 3601 }, reasons: ['EgressSaturated'] },
    { name: 'a failed accelerator', telemetry: { acceleratorsHealthy: 3 }, reasons: ['AcceleratorFailed'] },
    { name: 'storage nearly full', telemetry: { storageUsedGB: 1950 }, reasons: ['StorageNearlyFull'] },
    { name: 'an error burst', telemetry: { errors: 51 }, reasons: ['ErrorBurst'] },
    {
      name: 'several at once',
      telemetry: { egressMbps: 3900, errors: 100 },
      reasons: ['EgressSaturated', 'ErrorBurst'],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.deepEqual(
        diagnose(site(), { ...calm, ...c.telemetry }).map((f) => f.reason),
        c.reasons,
      );
    });
  }
});

describe('healthStatus', () => {
  const now = Date.parse('2026-11-25T10:00:00Z');
  const grace = 10000;
  const beat = (ageMs: number) => ({ at: now - ageMs, telemetry: calm, release: '1.2.0' });
  const finding = { reason: 'ErrorBurst' as const, message: 'errors' };
  const cases: {
    name: string;
    phase?: SiteStatus['phase'];
    ageMs?: number;
    findings?: (typeof finding)[];
    want?: string;
  }[] = [
    { name: 'no heartbeat yet leaves Provisioning alone', phase: 'Provisioning', want: 'Provisioning' },
    {
      name: 'a fresh heartbeat makes a provisioning site Ready',
      phase: 'Provisioning',
      ageMs: 1000,
      want: 'Ready',
    },
    { name: 'findings make it Degraded', phase: 'Ready', ageMs: 1000, findings: [finding], want: 'Degraded' },
    {
      name: 'a heartbeat older than the grace makes it Offline',
      phase: 'Ready',
      ageMs: 10001,
      want: 'Offline',
    },
    { name: 'exactly the grace is still reachable', phase: 'Ready', ageMs: 10000, want: 'Ready' },
    { name: 'an Offline site heard from again is Ready', phase: 'Offline', ageMs: 500, want: 'Ready' },
    { name: 'a Draining site stays Draining', phase: 'Draining', ageMs: 20000, want: 'Draining' },
    {
      name: 'a Decommissioned site stays Decommissioned',
      phase: 'Decommissioned',
      ageMs: 1000,
      want: 'Decommissioned',
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const heartbeat = c.ageMs === undefined ? undefined : beat(c.ageMs);
      const status = healthStatus(site(c.phase), {
        heartbeat,
        findings: c.findings ?? [],
        now,
        graceMs: grace,
      });
      assert.equal(status.phase, c.want);
    });
  }

  it('records the heartbeat time and release, and says why a site is unreachable', () => {
    const status = healthStatus(site('Ready'), { heartbeat: beat(30000), findings: [], now, graceMs: grace });
    assert.equal(status.lastHeartbeat, '2026-11-25T09:59:30Z');
    assert.equal(status.deployedRelease, '1.2.0');
    const reachable = status.conditions?.find((c) => c.type === 'Reachable');
    assert.deepEqual([reachable?.status, reachable?.reason], ['False', 'HeartbeatMissed']);
    assert.match(reachable?.message ?? '', /no heartbeat for 30 s \(grace 10 s\)/);
  });
});
