/**
 * Rollout: moves a SiteRelease across the sites a selector picks, in waves: canary sites first,
 * then growing percentages, each wave gated on health held for a bake time.
 */
import { type Resource, StatusOf } from '../common.ts';
import { AGE_COLUMN, defineKind } from '../kind.ts';
import { REGION_CODES } from '../regions.ts';
import { ObjectName, type Static, Strict, StringEnum, StringMap, Timestamp, Type } from '../schema.ts';
import { RELEASE_CHANNELS, SITE_KINDS } from './site.ts';

export const ROLLOUT_PHASES = [
  'Pending',
  'Progressing',
  'Paused',
  'Succeeded',
  'Failed',
  'RolledBack',
  'Aborted',
] as const;

export const SiteSelector = Strict(
  {
    matchLabels: Type.Optional(StringMap()),
    regions: Type.Optional(Type.Array(StringEnum(REGION_CODES), { maxItems: 17 })),
    kinds: Type.Optional(Type.Array(StringEnum(SITE_KINDS), { maxItems: 5 })),
    channels: Type.Optional(Type.Array(StringEnum(RELEASE_CHANNELS), { maxItems: 3 })),
    tenants: Type.Optional(Type.Array(ObjectName('Tenant name.'), { maxItems: 64 })),
  },
  { description: 'Sites to move; every given field must match. An empty selector is refused.' },
);

export const Wave = Strict({
  name: Type.String({ pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$', maxLength: 63 }),
  percent: Type.Integer({ minimum: 1, maximum: 100, description: 'Cumulative share of selected sites.' }),
  maxUnavailable: Type.Integer({ minimum: 1, maximum: 21000, description: 'Sites updating at once.' }),
});

/**
 * What says a release is bad on a site that runs it: every signal the heartbeat carries, each
 * with its threshold. A moved site that crosses one rolls the rollout back.
 */
export const HealthGate = Strict({
  bakeSeconds: Type.Integer({
    minimum: 0,
    maximum: 86400,
    default: 300,
    description: 'How long every site of a wave must run the release within the gate before the next wave.',
  }),
  maxErrorRatePerMinute: Type.Number({ minimum: 0, default: 5, description: 'Service errors (5xx).' }),
  maxEgressSaturation: Type.Number({
    minimum: 0,
    maximum: 1,
    default: 0.9,
    description: 'Egress as a share of the site budget.',
  }),
  maxDrmDenialsPerMinute: Type.Number({ minimum: 0, default: 10, description: 'Licenses refused.' }),
  minCacheHitRatio: Type.Number({
    minimum: 0,
    maximum: 1,
    default: 0.5,
    description: 'Below it the cache has collapsed: the edge fetches most segments from its parent.',
  }),
  maxAcceleratorsFailed: Type.Integer({
    minimum: 0,
    maximum: 4,
    default: 0,
    description: 'Stream accelerators the site may lose under the release.',
  }),
});

export const RolloutSpec = Strict({
  release: ObjectName('The SiteRelease to roll out.'),
  selector: SiteSelector,
  canarySites: Type.Integer({ minimum: 1, maximum: 1000, default: 1 }),
  waves: Type.Array(Wave, { minItems: 1, maxItems: 20 }),
  healthGate: HealthGate,
  progressDeadlineSeconds: Type.Integer({
    minimum: 5,
    maximum: 86400,
    default: 600,
    description:
      'A moved site must run the release within the gate this long after it was moved (or after it was last heard, once it has), else the rollout rolls back.',
  }),
  respectMaintenanceWindows: Type.Boolean({ default: true }),
  paused: Type.Boolean({ default: false }),
  abort: Type.Boolean({ default: false }),
});
export type RolloutSpec = Static<typeof RolloutSpec>;

export const WaveStatus = Strict({
  name: Type.String(),
  sitesTotal: Type.Integer({ minimum: 0 }),
  sitesUpdated: Type.Integer({ minimum: 0 }),
  sitesHealthy: Type.Integer({ minimum: 0 }),
  state: StringEnum(['Pending', 'Updating', 'Baking', 'Passed', 'Failed'] as const),
  startedAt: Type.Optional(Timestamp('When the wave started.')),
  bakingSince: Type.Optional(Timestamp('Since when every site of the wave runs the release healthily.')),
  finishedAt: Type.Optional(Timestamp('When the wave finished.')),
});

export const RolloutStatus = StatusOf({
  phase: Type.Optional(StringEnum(ROLLOUT_PHASES)),
  currentWave: Type.Optional(Type.String()),
  sitesHeld: Type.Optional(
    Type.Array(ObjectName('Site name.'), {
      maxItems: 1000,
      description:
        'Sites a roll-back could not return (they had no earlier release): held on the withdrawn one.',
    }),
  ),
  waves: Type.Optional(Type.Array(WaveStatus, { maxItems: 21 })),
});
export type RolloutStatus = Static<typeof RolloutStatus>;

export type Rollout = Resource<'Rollout', RolloutSpec, RolloutStatus>;

export const rolloutKind = defineKind({
  kind: 'Rollout',
  plural: 'rollouts',
  singular: 'rollout',
  shortNames: ['ro'],
  scope: 'Namespaced',
  description: 'Moves a SiteRelease across selected sites in health-gated waves.',
  spec: RolloutSpec,
  status: RolloutStatus,
  printerColumns: [
    { name: 'Release', type: 'string', jsonPath: '.spec.release' },
    { name: 'Phase', type: 'string', jsonPath: '.status.phase' },
    { name: 'Wave', type: 'string', jsonPath: '.status.currentWave', priority: 1 },
    { name: 'Paused', type: 'boolean', jsonPath: '.spec.paused' },
    AGE_COLUMN,
  ],
});
