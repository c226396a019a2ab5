/** SiteRelease: a versioned bundle of the services a local server runs, and their settings. */
import { type Resource, StatusOf } from '../common.ts';
import { AGE_COLUMN, defineKind } from '../kind.ts';
import { type Static, Strict, StringEnum, StringMap, Type } from '../schema.ts';
import { RELEASE_CHANNELS } from './site.ts';

export const SITE_SERVICES = [
  'streaming-edge',
  'cache',
  'license-proxy',
  'site-agent',
  'accelerator-plugin',
] as const;

export const ReleaseService = Strict({
  name: StringEnum(SITE_SERVICES),
  image: Type.String({ minLength: 1, maxLength: 512, pattern: '^[^\\s]+$' }),
  settings: Type.Optional(StringMap({ description: 'Service settings, rendered into its configuration.' })),
});

export const SiteReleaseSpec = Strict({
  version: Type.String({
    pattern: '^(0|[1-9]\\d*)\\.(0|[1-9]\\d*)\\.(0|[1-9]\\d*)(-[0-9A-Za-z.-]+)?$',
    description: 'Semantic version.',
  }),
  channel: StringEnum(RELEASE_CHANNELS, { default: 'stable' }),
  services: Type.Array(ReleaseService, { minItems: 1, maxItems: 16 }),
  notes: Type.Optional(Type.String({ maxLength: 4096 })),
});
export type SiteReleaseSpec = Static<typeof SiteReleaseSpec>;

export const SiteReleaseStatus = StatusOf({
  sitesRunning: Type.Optional(Type.Integer({ minimum: 0 })),
});
export type SiteReleaseStatus = Static<typeof SiteReleaseStatus>;

export type SiteRelease = Resource<'SiteRelease', SiteReleaseSpec, SiteReleaseStatus>;

export const siteReleaseKind = defineKind({
  kind: 'SiteRelease',
  plural: 'sitereleases',
  singular: 'siterelease',
  shortNames: ['srel'],
  scope: 'Namespaced',
  description: 'A versioned bundle of local-server services and their settings.',
  spec: SiteReleaseSpec,
  status: SiteReleaseStatus,
  printerColumns: [
    { name: 'Version', type: 'string', jsonPath: '.spec.version' },
    { name: 'Channel', type: 'string', jsonPath: '.spec.channel' },
    { name: 'Running', type: 'integer', jsonPath: '.status.sitesRunning' },
    AGE_COLUMN,
  ],
});
