import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RolloutSpec, Site } from '@smart-fleet/model';
import { planWaves, selects } from './waves.ts';

function site(name: string, region = 'seoul', channel = 'stable'): Site {
  return {
    apiVersion: 'smartfleet.io/v1alpha1',
    kind: 'Site',
    metadata: { name, labels: { 'smartfleet.io/release-channel': channel } },
    spec: { kind: 'school', location: { region }, releaseChannel: channel, tenant: 't' } as Site['spec'],
  };
}

const spec = (overrides: Partial<RolloutSpec> = {}): RolloutSpec => ({
  release: 'r2',
  selector: { regions: ['seoul'] },
  canarySites: 1,
  waves: [
    { name: 'early', percent: 30, maxUnavailable: 2 },
    { name: 'rest', percent: 100, maxUnavailable: 5 },
  ],
  healthGate: {
    bakeSeconds: 0,
    maxErrorRatePerMinute: 5,
    maxEgressSaturation: 0.9,
    maxDrmDenialsPerMinute: 10,
    minCacheHitRatio: 0.5,
    maxAcceleratorsFailed: 0,
  },
  progressDeadlineSeconds: 600,
  respectMaintenanceWindows: false,
  paused: false,
  abort: false,
  ...overrides,
});

describe('selects', () => {
  it('matches every given field and ignores absent ones', () => {
    assert.equal(selects({ regions: ['seoul'] }, site('a')), true);
    assert.equal(selects({ regions: ['busan'] }, site('a')), false);
    assert.equal(selects({ regions: ['seoul'], kinds: ['hotel'] }, site('a')), false);
    assert.equal(selects({ matchLabels: { 'smartfleet.io/release-channel': 'stable' } }, site('a')), true);
  });
});

describe('planWaves', () => {
  const sites = [
    ...Array.from({ length: 9 }, (_, i) => site(`s${i}`)),
    site('z-canary', 'seoul', 'canary'),
    site('b1', 'busan'),
  ];

  it('puts canary-channel sites in the canary wave and covers every selected site once', () => {
    const waves = planWaves(spec(), sites);
    assert.deepEqual(
      waves.map((w) => w.name),
      ['canary', 'early', 'rest'],
    );
    assert.deepEqual(waves[0]?.sites, ['z-canary']);
    const all = waves.flatMap((w) => w.sites);
    assert.equal(all.length, 10);
    assert.equal(new Set(all).size, 10);
    assert.ok(!all.includes('b1'), 'a busan site was selected');
    assert.equal(waves[1]?.sites.length, 2, '30% of 10 is 3, one already in the canary');
  });

  it('is the same whatever order the sites come in', () => {
    assert.deepEqual(planWaves(spec(), [...sites].reverse()), planWaves(spec(), sites));
  });
});
