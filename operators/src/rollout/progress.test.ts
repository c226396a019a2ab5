import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RolloutSpec, RolloutStatus } from '@smart-fleet/model';
import { type SiteState, type StepOutput, step } from './progress.ts';
import type { WavePlan } from './waves.ts';

const GATE = {
  bakeSeconds: 60,
  maxErrorRatePerMinute: 5,
  maxEgressSaturation: 0.9,
  maxDrmDenialsPerMinute: 10,
  minCacheHitRatio: 0.5,
  maxAcceleratorsFailed: 0,
};
const spec = (o: Partial<RolloutSpec> = {}): RolloutSpec => ({
  release: 'r2',
  selector: { regions: ['seoul'] },
  canarySites: 1,
  waves: [{ name: 'all', percent: 100, maxUnavailable: 2 }],
  healthGate: GATE,
  progressDeadlineSeconds: 600,
  respectMaintenanceWindows: false,
  paused: false,
  abort: false,
  ...o,
});
const waves: WavePlan[] = [
  { name: 'canary', sites: ['c'], maxUnavailable: 1 },
  { name: 'all', sites: ['a', 'b', 'd'], maxUnavailable: 2 },
];
const iso = (t: number) => new Date(t).toISOString();

/** Sites running r1, heard from, judged healthy. */
function fleet(names = ['c', 'a', 'b', 'd'], o: Partial<SiteState> = {}): Map<string, SiteState> {
  return new Map(
    names.map((n) => [
      n,
      { running: 'r1', releaseBefore: 'r1', fresh: true, judged: true, inWindow: true, ...o },
    ]),
  );
}

type Behaviour = 'good' | 'fails' | 'silent';

/**
 * One step, then the fleet does what it was told: a good site runs what it is assigned at once,
 * a failing one reports the release failed, a silent one never reports again.
 */
function run(
  sites: Map<string, SiteState>,
  s: RolloutSpec,
  status: RolloutStatus,
  at: number,
  behaviour: (site: string) => Behaviour = () => 'good',
): StepOutput {
  const out = step({ spec: s, waves, sites, status, now: new Date(at) });
  for (const { site, previousRelease } of out.move) {
    const state = sites.get(site) as SiteState;
    const assignment = { release: s.release, previousRelease, assignedAt: iso(at) };
    const how = behaviour(site);
    sites.set(site, {
      ...state,
      assignment,
      ...(how === 'good' ? { running: s.release } : {}),
      ...(how === 'fails' ? { failedRelease: s.release } : {}),
      ...(how === 'silent' ? { fresh: false, lastHeardAt: at } : {}),
    });
  }
  for (const { site, to } of out.rollBack) {
    const state = sites.get(site) as SiteState;
    const assignment = {
      ...(state.assignment ?? { assignedAt: iso(at) }),
      release: to ?? s.release,
      rolledBackFrom: s.release,
    };
    sites.set(site, { ...state, assignment, running: to ?? state.running, failedRelease: undefined });
  }
  return out;
}

const moves = (out: StepOutput) => out.move.map((m) => m.site);

describe('rollout step', () => {
  it('moves the canary first, bakes it, then the next wave at most maxUnavailable at a time, then succeeds', () => {
    const sites = fleet();
    let status: RolloutStatus = {};
    const moved: string[][] = [];
    for (let i = 0, t = 0; i < 20 && status.phase !== 'Succeeded'; i++, t += 30000) {
      const out = run(sites, spec(), status, t);
      status = out.status;
      if (out.move.length > 0) {
        moved.push(moves(out));
      }
    }
    assert.equal(status.phase, 'Succeeded');
    assert.deepEqual(moved, [['c'], ['a', 'b'], ['d']]);
    assert.ok(status.waves?.every((w) => w.state === 'Passed' && w.sitesHealthy === w.sitesTotal));
    assert.equal(sites.get('a')?.assignment?.previousRelease, 'r1', 'a roll-back would return it to r1');
  });

  it('does not start the next wave before the bake time has passed', () => {
    const sites = fleet();
    let status = run(sites, spec(), {}, 0).status; // canary moved
    status = run(sites, spec(), status, 1000).status; // baking since 1 s
    const early = run(sites, spec(), status, 30000);
    assert.deepEqual(early.move, []);
    assert.equal(early.status.waves?.[0]?.state, 'Baking');
    const later = run(sites, spec(), early.status, 62000); // baked 61 s: the next wave starts at once
    assert.equal(later.status.waves?.[0]?.state, 'Passed');
    assert.deepEqual(moves(later), ['a', 'b']);
  });

  it('a canary whose agent reports the release failed rolls back, and nothing else moves', () => {
    const sites = fleet();
    const first = run(sites, spec(), {}, 0, () => 'fails');
    assert.deepEqual(moves(first), ['c']);
    const second = run(sites, spec(), first.status, 1000);
    assert.equal(second.status.phase, 'RolledBack');
    assert.deepEqual(second.rollBack, [{ site: 'c', to: 'r1' }]);
    assert.equal(second.progressing.reason, 'ReleaseFailed');
    assert.match(second.failure ?? '', /site c reports release r2 failed/);
    assert.deepEqual(run(sites, spec(), second.status, 2000).move, [], 'a rolled-back rollout moved on');
  });

  const signals: { name: string; gateFailure: string }[] = [
    { name: 'errors', gateFailure: 'error rate 60/min over 5/min' },
    { name: 'saturation', gateFailure: 'egress 3900 Mbps is 97.5% of the budget, over 90%' },
    { name: 'DRM denials', gateFailure: 'DRM denials 24/min over 10/min' },
    { name: 'cache-hit collapse', gateFailure: 'cache hit ratio 0.1 under 0.5' },
  ];
  for (const signal of signals) {
    it(`a moved site failing the gate on ${signal.name} rolls every moved site back, naming it`, () => {
      const sites = fleet();
      const first = run(sites, spec(), {}, 0);
      sites.set('c', { ...(sites.get('c') as SiteState), gateFailure: signal.gateFailure });
      const out = run(sites, spec(), first.status, 1000);
      assert.equal(out.status.phase, 'RolledBack');
      assert.equal(out.progressing.reason, 'HealthGateFailed');
      assert.ok(out.progressing.message.includes(signal.gateFailure), out.progressing.message);
    });
  }

  it('a moved site that never reports the release fails the wave at the progress deadline, not before', () => {
    const sites = fleet();
    let status = run(sites, spec(), {}, 0, () => 'silent').status;
    status = run(sites, spec(), status, 599_000).status;
    assert.equal(status.phase, 'Progressing', 'failed before the deadline');
    const out = run(sites, spec(), status, 601_000);
    assert.equal(out.status.phase, 'RolledBack');
    assert.equal(out.progressing.reason, 'ProgressDeadlineExceeded');
    assert.match(
      out.progressing.message,
      /site c has not reported it since it was moved at 1970-01-01T00:00:00Z/,
    );
  });

  it('a site that ran the release and then went silent fails once silent for the deadline', () => {
    const sites = fleet();
    let status = run(sites, spec(), {}, 0).status;
    sites.set('c', { ...(sites.get('c') as SiteState), fresh: false, lastHeardAt: 100_000 });
    status = run(sites, spec(), status, 650_000).status;
    assert.equal(status.phase, 'Progressing', 'counted from the move, not from when it was last heard');
    const out = run(sites, spec(), status, 701_000);
    assert.equal(out.progressing.reason, 'ProgressDeadlineExceeded');
    assert.match(out.progressing.message, /silent since 1970-01-01T00:01:40Z/);
  });

  it('a site with no earlier release is held on the new one, never stripped, and reported: Failed', () => {
    const sites = fleet(['c', 'a', 'b', 'd'], { running: undefined, releaseBefore: undefined });
    const first = run(sites, spec(), {}, 0, () => 'fails');
    const out = run(sites, spec(), first.status, 1000);
    assert.deepEqual(out.rollBack, [{ site: 'c', to: undefined }]);
    assert.equal(out.status.phase, 'Failed');
    assert.deepEqual(out.status.sitesHeld, ['c']);
    assert.match(out.progressing.message, /1 site\(s\) had no earlier release and are held on r2: c/);
    assert.equal(sites.get('c')?.assignment?.release, 'r2', 'the held site lost its release');
  });

  it('finishes a roll-back it finds half done, whatever its status says (status lost)', () => {
    const sites = fleet();
    let status: RolloutStatus = {};
    for (let t = 0; t <= 120_000; t += 30_000) {
      status = run(sites, spec(), status, t).status;
    }
    assert.deepEqual(
      [...sites]
        .filter(([, s]) => s.assignment?.release === 'r2')
        .map(([n]) => n)
        .sort(),
      ['a', 'b', 'c', 'd'],
    );
    // A roll-back that a crash cut short: one site returned, the others not, the status gone.
    const a = sites.get('a') as SiteState;
    sites.set('a', {
      ...a,
      assignment: {
        ...(a.assignment as NonNullable<SiteState['assignment']>),
        release: 'r1',
        rolledBackFrom: 'r2',
      },
      running: 'r1',
    });
    const out = run(sites, spec(), {}, 130_000);
    assert.equal(out.status.phase, 'RolledBack');
    assert.deepEqual(out.rollBack.map((r) => r.site).sort(), ['b', 'c', 'd']);
    assert.deepEqual(out.move, []);
  });

  it('leaves a site a newer rollout holds alone', () => {
    const sites = fleet();
    sites.set('c', { ...(sites.get('c') as SiteState), claimedElsewhere: true });
    const out = run(sites, spec(), {}, 0);
    assert.deepEqual(moves(out), ['a', 'b'], 'the canary wave has no site of its own left');
    assert.ok(!moves(out).includes('c'));
  });

  it('pause holds, resume continues; abort rolls back what moved', () => {
    const sites = fleet();
    const first = run(sites, spec(), {}, 0);
    const paused = run(sites, spec({ paused: true }), first.status, 100000);
    assert.equal(paused.status.phase, 'Paused');
    assert.deepEqual(paused.move, []);
    const resumed = run(sites, spec(), run(sites, spec(), paused.status, 200000).status, 300000);
    assert.deepEqual(moves(resumed), ['a', 'b']);
    const aborted = run(sites, spec({ abort: true }), resumed.status, 310000);
    assert.equal(aborted.status.phase, 'Aborted');
    assert.deepEqual(aborted.rollBack.map((r) => r.site).sort(), ['a', 'b', 'c']);
  });

  it('respects maintenance windows when asked', () => {
    const sites = fleet();
    sites.set('c', { ...(sites.get('c') as SiteState), inWindow: false });
    assert.deepEqual(run(sites, spec({ respectMaintenanceWindows: true }), {}, 0).move, []);
    assert.deepEqual(moves(run(sites, spec({ respectMaintenanceWindows: false }), {}, 0)), ['c']);
  });
});
