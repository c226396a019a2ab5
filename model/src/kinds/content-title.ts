/**
 * ContentTitle: one title of the content library, described with MPEG-7 descriptive metadata
 * (title, genre, creators, language, duration) and its encoded renditions.
 */
import { MAX_BITRATE_MBPS, MIN_BITRATE_MBPS } from '../capacity.ts';
import { type Resource, StatusOf } from '../common.ts';
import { AGE_COLUMN, defineKind } from '../kind.ts';
import { REGION_CODES } from '../regions.ts';
import { ObjectName, type Static, Strict, StringEnum, Timestamp, Type } from '../schema.ts';

export const CODECS = ['MPEG-1', 'MPEG-2', 'MPEG-4', 'H.264'] as const;

export const Creator = Strict({
  name: Type.String({ minLength: 1, maxLength: 256 }),
  role: Type.String({ minLength: 1, maxLength: 64, description: 'MPEG-7 CreatorRole, e.g. Director.' }),
});

export const Mpeg7Description = Strict({
  title: Type.String({ minLength: 1, maxLength: 512 }),
  genre: Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { minItems: 1, maxItems: 8 }),
  creators: Type.Array(Creator, { maxItems: 32 }),
  language: Type.String({ pattern: '^[a-z]{2,3}(-[A-Z]{2})?$', description: 'BCP 47, e.g. ko or en-US.' }),
  durationSeconds: Type.Integer({ minimum: 1, maximum: 86400 }),
  synopsis: Type.Optional(Type.String({ maxLength: 4096 })),
});

export const Rendition = Strict({
  name: ObjectName('Rendition name, e.g. hd-20m.'),
  codec: StringEnum(CODECS),
  bitrateMbps: Type.Number({ minimum: MIN_BITRATE_MBPS, maximum: MAX_BITRATE_MBPS }),
  sizeMB: Type.Integer({ minimum: 1 }),
});

export const RegionalDemand = Strict({
  region: StringEnum(REGION_CODES),
  weight: Type.Number({ minimum: 0, description: 'Relative demand; views per day expected.' }),
});

export const ContentTitleSpec = Strict({
  owner: ObjectName('Tenant (content provider) that owns the rights.'),
  mpeg7: Mpeg7Description,
  renditions: Type.Array(Rendition, { minItems: 1, maxItems: 16 }),
  drmPolicy: Type.Optional(ObjectName('DrmPolicy protecting the title.')),
  demand: Type.Optional(Type.Array(RegionalDemand, { maxItems: 17 })),
});
export type ContentTitleSpec = Static<typeof ContentTitleSpec>;

const KeyId = Type.String({
  pattern: '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$',
  description: 'A content key id (UUID, lower case); never key material.',
});

/** One rendition as the packager measured it off the files it wrote. */
export const PackagedRenditionStatus = Strict({
  name: ObjectName('Rendition name, as in the spec.'),
  codec: StringEnum(CODECS),
  width: Type.Integer({ minimum: 1, maximum: 8192 }),
  height: Type.Integer({ minimum: 1, maximum: 8192 }),
  measuredMbps: Type.Number({ minimum: 0, description: 'Mean bitrate of its HLS segments.' }),
  sizeMB: Type.Integer({ minimum: 0 }),
  segments: Type.Integer({ minimum: 0, description: 'HLS segments (DASH has as many).' }),
});

/** What the packager made of the title: recorded from packaged.json, so it states facts, not the request. */
export const PackagingStatus = Strict({
  packagedAt: Timestamp('When the package was written.'),
  formats: Type.Array(StringEnum(['hls', 'dash'] as const), { minItems: 1, maxItems: 2 }),
  durationSeconds: Type.Number({ minimum: 0 }),
  segmentSeconds: Type.Integer({ minimum: 1, maximum: 30 }),
  keyIds: Type.Array(KeyId, {
    maxItems: 1024,
    description: 'Every key the package is encrypted under: what an entitlement for it must allow.',
  }),
  renditions: Type.Array(PackagedRenditionStatus, { maxItems: 16 }),
});
export type PackagingStatus = Static<typeof PackagingStatus>;

export const ContentTitleStatus = StatusOf({
  sizeMB: Type.Optional(
    Type.Integer({ minimum: 0, description: 'All renditions together, measured by the packager.' }),
  ),
  sitesPlaced: Type.Optional(Type.Integer({ minimum: 0 })),
  packaging: Type.Optional(PackagingStatus),
});
export type ContentTitleStatus = Static<typeof ContentTitleStatus>;

export type ContentTitle = Resource<'ContentTitle', ContentTitleSpec, ContentTitleStatus>;

export const contentTitleKind = defineKind({
  kind: 'ContentTitle',
  plural: 'contenttitles',
  singular: 'contenttitle',
  shortNames: ['title'],
  scope: 'Namespaced',
  description: 'A title of the content library with MPEG-7 descriptive metadata and its renditions.',
  spec: ContentTitleSpec,
  status: ContentTitleStatus,
  printerColumns: [
    { name: 'Title', type: 'string', jsonPath: '.spec.mpeg7.title' },
    { name: 'Language', type: 'string', jsonPath: '.spec.mpeg7.language' },
    { name: 'Duration-s', type: 'integer', jsonPath: '.spec.mpeg7.durationSeconds' },
    { name: 'Owner', type: 'string', jsonPath: '.spec.owner' },
    { name: 'Packaged', type: 'date', jsonPath: '.status.packaging.packagedAt' },
    AGE_COLUMN,
  ],
});
