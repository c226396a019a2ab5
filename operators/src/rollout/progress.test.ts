import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RolloutSpec, RolloutStatus } from '@smart-fleet/model';
import { type SiteState, step } from './progress.ts';
import type { WavePlan } from './waves.ts';

const spec = (o: Partial<RolloutSpec> = {}): RolloutSpec => ({
  release: 'r2',
  selector: { regions: ['seoul'] },
  canarySites: 1,
  waves: [{ name: 'all', percent: 100, maxUnavailable: 2 }],
  healthGate: { bakeSeconds: 60, maxErrorRatePerMinute: 5, maxEgressSaturation: 0.9 },
  respectMaintenanceWindows: false,
  paused: false,
  abort: false,
  ...o,
});
const waves: WavePlan[] = [
  { name: 'canary', sites: ['c'], maxUnavailable: 1 },
  { name: 'all', sites: ['a', 'b', 'd'], maxUnavailable: 2 },
];

/** A fleet whose agents bring up whatever they are told at once (or fail, for `bad`). */
function fleet(bad = new Set<string>()): Map<string, SiteState> {
  return new Map(
    ['c', 'a', 'b', 'd'].map((n) => [
      n,
      { target: 'r1', running: 'r1', healthy: true, inWindow: true, ...(bad.has(n) ? {} : {}) },
    ]),
  );
}

function run(
  sites: Map<string, SiteState>,
  s: RolloutSpec,
  status: RolloutStatus,
  at: number,
  bad = new Set<string>(),
) {
  const out = step({ spec: s, waves, sites, status, now: new Date(at) });
  for (const n of out.moveToRelease) {
    const site = sites.get(n) as SiteState;
    sites.set(
      n,
      bad.has(n)
        ? { ...site, target: s.release, failedRelease: s.release }
        : { ...site, target: s.release, running: s.release },
    );
  }
  for (const n of out.rollBack) {
    sites.set(n, { ...(sites.get(n) as SiteState), target: 'r1', running: 'r1', failedRelease: undefined });
  }
  return out;
}

describe('rollout step', () => {
  it('moves the canary first, bakes it, then the next wave at most maxUnavailable at a time, then succeeds', () => {
    const sites = fleet();
    let status: RolloutStatus = {};
    let t = 0;
    const moved: string[][] = [];
    for (let i = 0; i < 20 && status.phase !== 'Succeeded'; i++, t += 30000) {
      const out = run(sites, spec(), status, t);
      status = out.status;
      if (out.moveToRelease.length > 0) {
        moved.push(out.moveToRelease);
      }
    }
    assert.equal(status.phase, 'Succeeded');
    assert.deepEqual(moved, [['c'], ['a', 'b'], ['d']]);
    assert.ok(status.waves?.every((w) => w.state === 'Passed' && w.sitesHealthy === w.sitesTotal));
  });

  it('does not start the next wave before the bake time has passed', () => {
    const sites = fleet();
    let status = run(sites, spec(), {}, 0).status; // canary moved
    status = run(sites, spec(), status, 1000).status; // baking since 1 s
    const early = run(sites, spec(), status, 30000);
    assert.deepEqual(early.moveToRelease, []);
    assert.equal(early.status.waves?.[0]?.state, 'Baking');
    const later = run(sites, spec(), early.status, 62000); // baked 61 s: the next wave starts at once
    assert.equal(later.status.waves?.[0]?.state, 'Passed');
    assert.deepEqual(later.moveToRelease, ['a', 'b']);
  });

  it('a canary whose agent reports the release failed rolls back, and nothing else moves', () => {
    const sites = fleet();
    const bad = new Set(['c']);
    const first = run(sites, spec(), {}, 0, bad);
    assert.deepEqual(first.moveToRelease, ['c']);
    const second = run(sites, spec(), first.status, 1000, bad);
    assert.equal(second.status.phase, 'RolledBack');
    assert.deepEqual(second.rollBack, ['c']);
    assert.match(second.failure ?? '', /site c reports release r2 failed/);
    assert.deepEqual(
      run(sites, spec(), second.status, 2000).moveToRelease,
      [],
      'a rolled-back rollout moved on',
    );
  });

  it('an unhealthy site on the new release fails the gate', () => {
    const sites = fleet();
    const first = run(sites, spec(), {}, 0);
    sites.set('c', { ...(sites.get('c') as SiteState), healthy: false });
    assert.equal(run(sites, spec(), first.status, 1000).status.phase, 'RolledBack');
  });

  it('pause holds, resume continues; abort rolls back what moved', () => {
    const sites = fleet();
    const first = run(sites, spec(), {}, 0);
    const paused = run(sites, spec({ paused: true }), first.status, 100000);
    assert.equal(paused.status.phase, 'Paused');
    assert.deepEqual(paused.moveToRelease, []);
    const resumed = run(sites, spec(), run(sites, spec(), paused.status, 200000).status, 300000);
    assert.deepEqual(resumed.moveToRelease, ['a', 'b']);
    const aborted = run(sites, spec({ abort: true }), resumed.status, 310000);
    assert.equal(aborted.status.phase, 'Aborted');
    assert.deepEqual(aborted.rollBack.sort(), ['a', 'b', 'c']);
  });

  it('respects maintenance windows when asked', () => {
    const sites = fleet();
    sites.set('c', { ...(sites.get('c') as SiteState), inWindow: false });
    assert.deepEqual(run(sites, spec({ respectMaintenanceWindows: true }), {}, 0).moveToRelease, []);
    assert.deepEqual(run(sites, spec({ respectMaintenanceWindows: false }), {}, 0).moveToRelease, ['c']);
  });
});
