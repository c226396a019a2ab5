/**
 * Site: one local server at an apartment complex, campus, school, hotel or office building.
 * Hardware follows the paper's Table 1; the streaming budget is checked against it by
 * validation/site-rules.ts (a schema cannot relate two fields). Its status holds what changes
 * rarely; telemetry lives in Prometheus (telemetry.ts).
 */
import { FULL_SERVER_EGRESS_MBPS, MAX_BITRATE_MBPS, MAX_SUBSCRIBERS, MIN_BITRATE_MBPS } from '../capacity.ts';
import { type Resource, StatusOf } from '../common.ts';
import { AGE_COLUMN, defineKind } from '../kind.ts';
import { KOREA_BOUNDS, REGION_CODES } from '../regions.ts';
import { ObjectName, type Static, Strict, StringEnum, Timestamp, Type } from '../schema.ts';

export const SITE_KINDS = ['apartment-complex', 'campus', 'school', 'hotel', 'office-building'] as const;
export const SITE_PHASES = [
  'Pending',
  'Provisioning',
  'Ready',
  'Degraded',
  'Offline',
  'Draining',
  'Decommissioned',
] as const;
export const RELEASE_CHANNELS = ['stable', 'beta', 'canary'] as const;
/** What an operator asks of a site: in service, being taken out (no new rollouts, no new content), or gone. */
export const SITE_LIFECYCLES = ['Active', 'Draining', 'Decommissioned'] as const;
export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

export const Location = Strict({
  region: StringEnum(REGION_CODES, { description: "One of Korea's 17 first-level divisions." }),
  address: Type.String({ minLength: 1, maxLength: 256 }),
  latitude: Type.Number({ minimum: KOREA_BOUNDS.minLat, maximum: KOREA_BOUNDS.maxLat }),
  longitude: Type.Number({ minimum: KOREA_BOUNDS.minLon, maximum: KOREA_BOUNDS.maxLon }),
});

export const Hardware = Strict(
  {
    profile: Type.Optional(Type.String({ maxLength: 63, description: 'Named profile this was built from.' })),
    cpus: Type.Integer({ minimum: 1, maximum: 2, description: 'Xeon processors (Table 1: 1-2).' }),
    modules: Type.Integer({
      minimum: 1,
      maximum: 4,
      description: 'Network/storage modules carrying stream acceleration (Table 1: 1-4).',
    }),
    storageGB: Type.Integer({
      minimum: 100,
      maximum: 2000,
      description: 'Content storage (Table 1: 100 GB-2 TB).',
    }),
    accelerators: Type.Integer({ minimum: 0, maximum: 4, description: 'Stream accelerator cards.' }),
    configuration: StringEnum(['smp', 'cluster'] as const),
  },
  { description: "The local server's hardware, per the paper's Table 1." },
);

export const StreamPlanEntry = Strict({
  bitrateMbps: Type.Number({ minimum: MIN_BITRATE_MBPS, maximum: MAX_BITRATE_MBPS }),
  streams: Type.Integer({ minimum: 0, maximum: 100000 }),
});

export const Streaming = Strict({
  egressBudgetMbps: Type.Integer({
    minimum: 100,
    maximum: FULL_SERVER_EGRESS_MBPS,
    description: 'Egress the site may stream, at most 4 Gbps for a full server.',
  }),
  streamPlan: Type.Optional(
    Type.Array(StreamPlanEntry, {
      maxItems: 16,
      description: 'Concurrent streams reserved per bitrate; together within the egress budget.',
    }),
  ),
});

export const MaintenanceWindow = Strict({
  days: Type.Array(StringEnum(WEEKDAYS), { minItems: 1, maxItems: 7 }),
  start: Type.String({ pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$', description: 'Local start time, HH:MM.' }),
  durationMinutes: Type.Integer({ minimum: 30, maximum: 720 }),
  timeZone: Type.String({ default: 'Asia/Seoul', maxLength: 64 }),
});

export const SiteSpec = Strict({
  kind: StringEnum(SITE_KINDS),
  location: Location,
  subscriberCap: Type.Integer({ minimum: 1, maximum: MAX_SUBSCRIBERS }),
  hardware: Hardware,
  streaming: Streaming,
  parentCluster: ObjectName('The WideAreaCluster that feeds this site.'),
  releaseChannel: StringEnum(RELEASE_CHANNELS, { default: 'stable' }),
  maintenanceWindow: MaintenanceWindow,
  tenant: ObjectName('The Tenant that owns the site.'),
  lifecycle: StringEnum(SITE_LIFECYCLES, { default: 'Active' }),
});
export type SiteSpec = Static<typeof SiteSpec>;

export const SiteStatus = StatusOf({
  phase: Type.Optional(StringEnum(SITE_PHASES)),
  lastHeartbeat: Type.Optional(
    Timestamp(
      'When the site agent last reported, as of the last status write: exact when the phase changes (an Offline site says when it was last heard), refreshed at most every half hour while nothing changes. The live value is in Prometheus.',
    ),
  ),
  deployedRelease: Type.Optional(
    Type.String({ maxLength: 63, description: 'The release the agent reports running.' }),
  ),
});
export type SiteStatus = Static<typeof SiteStatus>;

export type Site = Resource<'Site', SiteSpec, SiteStatus>;

export const siteKind = defineKind({
  kind: 'Site',
  plural: 'sites',
  singular: 'site',
  shortNames: ['ste'],
  scope: 'Namespaced',
  description: 'A local SMART server at an apartment complex, campus, school, hotel or office building.',
  spec: SiteSpec,
  status: SiteStatus,
  printerColumns: [
    { name: 'Region', type: 'string', jsonPath: '.spec.location.region' },
    { name: 'Kind', type: 'string', jsonPath: '.spec.kind' },
    { name: 'Cluster', type: 'string', jsonPath: '.spec.parentCluster' },
    { name: 'Phase', type: 'string', jsonPath: '.status.phase' },
    { name: 'Subscribers', type: 'integer', jsonPath: '.spec.subscriberCap' },
    { name: 'Egress-Mbps', type: 'integer', jsonPath: '.spec.streaming.egressBudgetMbps' },
    { name: 'Release', type: 'string', jsonPath: '.status.deployedRelease' },
    { name: 'Tenant', type: 'string', jsonPath: '.spec.tenant', priority: 1 },
    { name: 'Heartbeat', type: 'date', jsonPath: '.status.lastHeartbeat', priority: 1 },
    AGE_COLUMN,
  ],
});
