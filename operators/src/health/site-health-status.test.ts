import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HARDWARE_PROFILES, type Site, type SiteStatus, type SiteTelemetry } from '@smart-fleet/model';
import { diagnose } from './diagnosis.ts';
import { healthStatus, significant } from './site-health-status.ts';

const calm: SiteTelemetry = {
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
  const cases: { name: string; telemetry: Partial<SiteTelemetry>; reasons: string[] }[] = [
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

describe('healthStatus: the phase and the health controller’s conditions', () => {
  const now = Date.parse('2026-11-25T10:00:00Z');
  const grace = 10000;
  const beat = (ageMs: number) => ({ at: now - ageMs, telemetry: calm, release: '1.2.0' });
  const finding = { reason: 'ErrorBurst' as const, message: 'errors' };
  const admitted = (status: 'True' | 'False') => ({
    type: 'Admitted',
    status,
    reason: 'x',
    message: 'x',
    lastTransitionTime: '2026-11-25T09:00:00Z',
  });
  const cases: {
    name: string;
    phase?: SiteStatus['phase'];
    admitted?: 'True' | 'False';
    lifecycle?: 'Active' | 'Draining' | 'Decommissioned';
    ageMs?: number;
    assumed?: boolean;
    findings?: (typeof finding)[];
    want?: string;
  }[] = [
    { name: 'a new site not yet judged is Pending', want: 'Pending' },
    { name: 'a refused site never heard from is Pending', admitted: 'False', want: 'Pending' },
    { name: 'an admitted site not yet heard from is Provisioning', admitted: 'True', want: 'Provisioning' },
    {
      name: 'a fresh heartbeat makes it Ready',
      admitted: 'True',
      phase: 'Provisioning',
      ageMs: 1000,
      want: 'Ready',
    },
    {
      name: 'findings make it Degraded',
      admitted: 'True',
      phase: 'Ready',
      ageMs: 1000,
      findings: [finding],
      want: 'Degraded',
    },
    {
      name: 'a heartbeat older than the grace makes it Offline',
      admitted: 'True',
      phase: 'Ready',
      ageMs: 10001,
      want: 'Offline',
    },
    {
      name: 'exactly the grace is still reachable',
      admitted: 'True',
      phase: 'Ready',
      ageMs: 10000,
      want: 'Ready',
    },
    {
      name: 'an Offline site heard from again is Ready',
      admitted: 'True',
      phase: 'Offline',
      ageMs: 500,
      want: 'Ready',
    },
    {
      name: 'a serving site whose edited spec is refused keeps serving',
      admitted: 'False',
      phase: 'Ready',
      ageMs: 1000,
      want: 'Ready',
    },
    {
      name: 'a drain request takes a Ready site to Draining',
      lifecycle: 'Draining',
      phase: 'Ready',
      ageMs: 1000,
      want: 'Draining',
    },
    {
      name: 'decommissioning wins over heartbeats',
      lifecycle: 'Decommissioned',
      ageMs: 1000,
      want: 'Decommissioned',
    },
    {
      name: 'a drained site put back in service and heard from is Ready',
      admitted: 'True',
      phase: 'Draining',
      ageMs: 1000,
      want: 'Ready',
    },
    {
      name: 'a drained site put back, its agent gone, provisions again',
      admitted: 'True',
      phase: 'Draining',
      want: 'Provisioning',
    },
    {
      name: 'a new leader’s assumption keeps Degraded (no telemetry to judge it better)',
      admitted: 'True',
      phase: 'Degraded',
      ageMs: 0,
      assumed: true,
      want: 'Degraded',
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const s0 = site(c.phase);
      s0.spec = { ...s0.spec, lifecycle: c.lifecycle ?? 'Active' };
      s0.status = { ...(s0.status ?? {}), conditions: c.admitted ? [admitted(c.admitted)] : [] };
      const heartbeat =
        c.ageMs === undefined ? undefined : c.assumed ? { at: now - c.ageMs, assumed: {} } : beat(c.ageMs);
      const status = healthStatus(s0, { heartbeat, findings: c.findings ?? [], now, graceMs: grace });
      assert.equal(status.phase, c.want);
      assert.ok(
        !status.conditions?.some((x) => x.type === 'Admitted'),
        'wrote the admission controller’s condition',
      );
    });
  }

  it('records when the agent was heard and its release, and says since when a site is unreachable', () => {
    const status = healthStatus(site('Ready'), { heartbeat: beat(30000), findings: [], now, graceMs: grace });
    assert.equal(status.lastHeartbeat, '2026-11-25T09:59:30Z');
    assert.equal(status.deployedRelease, '1.2.0');
    const reachable = status.conditions?.find((c) => c.type === 'Reachable');
    assert.deepEqual([reachable?.status, reachable?.reason], ['False', 'HeartbeatMissed']);
    assert.match(reachable?.message ?? '', /no heartbeat since 2026-11-25T09:59:30Z \(grace 10 s\)/);
  });

  it('never writes the time a new leader assumed as when the site was heard', () => {
    const s0 = site('Ready');
    s0.status = { ...s0.status, lastHeartbeat: '2026-11-25T09:40:00Z' };
    const lastHeard = Date.parse('2026-11-25T09:40:00Z');
    const status = healthStatus(s0, {
      heartbeat: { at: now - 20000, assumed: { lastHeard } },
      findings: [],
      now,
      graceMs: grace,
    });
    assert.equal(status.phase, 'Offline');
    assert.equal(status.lastHeartbeat, '2026-11-25T09:40:00Z');
    assert.match(
      status.conditions?.find((c) => c.type === 'Reachable')?.message ?? '',
      /since 2026-11-25T09:40:00Z/,
    );
  });

  it('says whether the release applied', () => {
    const applied = healthStatus(site('Ready'), { heartbeat: beat(0), findings: [], now, graceMs: grace });
    assert.equal(applied.conditions?.find((c) => c.type === 'ReleaseApplied')?.reason, 'Running');
    const failed = healthStatus(site('Ready'), {
      heartbeat: {
        ...beat(0),
        failedRelease: '1.3.0',
        failedReason: 'pod streaming-edge-x, container streaming-edge: CrashLoopBackOff',
      },
      findings: [],
      now,
      graceMs: grace,
    });
    const condition = failed.conditions?.find((c) => c.type === 'ReleaseApplied');
    assert.deepEqual([condition?.status, condition?.reason], ['False', 'ReleaseFailed']);
    assert.match(
      condition?.message ?? '',
      /release 1.3.0 failed on the site: pod streaming-edge-x, container streaming-edge: CrashLoopBackOff; it keeps running 1.2.0/,
    );
  });

  it('a write is significant for a phase, release or condition verdict, not for times or messages', () => {
    const a = healthStatus(site('Ready'), { heartbeat: beat(1000), findings: [], now, graceMs: grace });
    const b = healthStatus(site('Ready'), {
      heartbeat: beat(2000),
      findings: [],
      now: now + 5000,
      graceMs: grace,
    });
    assert.equal(significant(a), significant(b));
    const c = healthStatus(site('Ready'), {
      heartbeat: beat(1000),
      findings: [finding],
      now,
      graceMs: grace,
    });
    assert.notEqual(significant(a), significant(c));
  });
});
