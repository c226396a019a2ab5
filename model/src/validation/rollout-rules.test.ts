import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type RolloutSpec, rolloutKind } from '../kinds/rollout.ts';
import { assertProblems, type ExpectedProblem } from './expect-problems.ts';
import type { FleetReferences } from './reference-rules.ts';
import { rolloutRules } from './rollout-rules.ts';
import { validateSpec } from './validate.ts';

type RolloutMod = (spec: RolloutSpec) => void;

/** A valid rollout of release-1-2-0 to Seoul: canary 1%, then 50%, then 100%. */
function rollout(...mods: RolloutMod[]): RolloutSpec {
  const spec: RolloutSpec = {
    release: 'release-1-2-0',
    selector: { regions: ['seoul'] },
    canarySites: 1,
    waves: [
      { name: 'canary', percent: 1, maxUnavailable: 1 },
      { name: 'half', percent: 50, maxUnavailable: 10 },
      { name: 'all', percent: 100, maxUnavailable: 50 },
    ],
    healthGate: {
      bakeSeconds: 300,
      maxErrorRatePerMinute: 5,
      maxEgressSaturation: 0.9,
      maxDrmDenialsPerMinute: 10,
      minCacheHitRatio: 0.5,
      maxAcceleratorsFailed: 0,
    },
    progressDeadlineSeconds: 600,
    respectMaintenanceWindows: true,
    paused: false,
    abort: false,
  };
  for (const mod of mods) {
    mod(spec);
  }
  return spec;
}

const withSelector =
  (selector: RolloutSpec['selector']): RolloutMod =>
  (s) => {
    s.selector = selector;
  };
/** Waves as [name, percent] pairs. */
const withWaves =
  (...waves: [name: string, percent: number][]): RolloutMod =>
  (s) => {
    s.waves = waves.map(([name, percent]) => ({ name, percent, maxUnavailable: 5 }));
  };

interface Case {
  name: string;
  spec: RolloutSpec;
  refs?: FleetReferences;
  want: ExpectedProblem[];
}

const refsWith = (releases?: string[]): FleetReferences => ({
  clusters: new Map(),
  tenants: new Set(),
  ...(releases ? { releases: new Set(releases) } : {}),
});

describe('validateSpec(rolloutKind)', () => {
  const cases: Case[] = [
    { name: 'a valid rollout', spec: rollout(), want: [] },
    { name: 'a single wave to 100%', spec: rollout(withWaves(['all', 100])), want: [] },
    {
      name: 'a selector by labels alone',
      spec: rollout(withSelector({ matchLabels: { 'smartfleet.io/region': 'seoul' } })),
      want: [],
    },
    {
      name: 'a selector by tenants alone',
      spec: rollout(withSelector({ tenants: ['metro-cable'] })),
      want: [],
    },
    {
      name: 'an empty selector',
      spec: rollout(withSelector({})),
      want: [{ path: 'spec.selector', message: 'selects every site' }],
    },
    {
      name: 'a selector of empty lists and no labels',
      spec: rollout(withSelector({ matchLabels: {}, regions: [], kinds: [], channels: [], tenants: [] })),
      want: [
        {
          path: 'spec.selector',
          message: 'name at least one of matchLabels, regions, kinds, channels, tenants',
        },
      ],
    },
    {
      name: 'zero waves are refused by the schema (minItems)',
      spec: rollout(withWaves()),
      want: [{ path: 'spec.waves', message: /length to be greater or equal to 1/ }],
    },
    {
      name: 'waves that do not increase',
      spec: rollout(withWaves(['canary', 10], ['again', 10], ['all', 100])),
      want: [{ path: 'spec.waves[1].percent', message: "10% must be more than wave canary's 10%" }],
    },
    {
      name: 'waves that go back down',
      spec: rollout(withWaves(['canary', 1], ['half', 50], ['some', 20], ['all', 100])),
      want: [{ path: 'spec.waves[2].percent', message: "20% must be more than wave half's 50%" }],
    },
    {
      name: 'a last wave short of 100%',
      spec: rollout(withWaves(['canary', 1], ['most', 90])),
      want: [{ path: 'spec.waves[1].percent', message: 'the last wave must reach 100%, not 90%' }],
    },
    {
      name: 'a wave name used twice',
      spec: rollout(withWaves(['canary', 1], ['canary', 100])),
      want: [{ path: 'spec.waves[1].name', message: 'wave name canary is used twice' }],
    },
    {
      name: 'a wave percent over 100 is refused by the schema',
      spec: rollout(withWaves(['all', 101])),
      want: [{ path: 'spec.waves[0].percent', message: /less or equal to 100/ }],
    },
    {
      name: 'an unknown release, given the releases that exist',
      spec: rollout(),
      refs: refsWith(['release-1-1-0']),
      want: [{ path: 'spec.release', message: 'site release release-1-2-0 does not exist' }],
    },
    { name: 'a known release', spec: rollout(), refs: refsWith(['release-1-2-0']), want: [] },
    {
      name: 'references without a release list check no release',
      spec: rollout(),
      refs: refsWith(),
      want: [],
    },
  ];

  for (const c of cases) {
    it(c.name, () => {
      assertProblems(validateSpec(rolloutKind, c.spec, c.refs), c.want);
    });
  }

  it('rolloutRules reports every rule it breaks at once', () => {
    const spec = rollout(withSelector({}), withWaves(['a', 50], ['a', 40]));
    assert.deepEqual(
      rolloutRules(spec).map((p) => p.path),
      ['spec.selector', 'spec.waves[1].percent', 'spec.waves[1].percent', 'spec.waves[1].name'],
    );
  });
});
