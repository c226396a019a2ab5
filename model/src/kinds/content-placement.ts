/** ContentPlacement: what one local server pre-positions, and how far its fill has got. */
import { type Resource, StatusOf } from '../common.ts';
import { AGE_COLUMN, defineKind } from '../kind.ts';
import { ObjectName, type Static, Strict, StringEnum, Timestamp, Type } from '../schema.ts';

export const PlacedTitle = Strict({
  title: ObjectName('ContentTitle name.'),
  renditions: Type.Array(ObjectName('Rendition name.'), { minItems: 1, maxItems: 16 }),
  sizeMB: Type.Integer({ minimum: 0 }),
});

export const FillWindow = Strict({
  start: Type.String({ pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$', description: 'Off-peak start, HH:MM.' }),
  durationMinutes: Type.Integer({ minimum: 15, maximum: 720 }),
});

export const ContentPlacementSpec = Strict({
  site: ObjectName('The Site that holds these titles.'),
  titles: Type.Array(PlacedTitle, { maxItems: 10000 }),
  fillWindow: FillWindow,
});
export type ContentPlacementSpec = Static<typeof ContentPlacementSpec>;

export const ContentPlacementStatus = StatusOf({
  state: Type.Optional(StringEnum(['Pending', 'Filling', 'Filled', 'Failed'] as const)),
  filledMB: Type.Optional(Type.Integer({ minimum: 0 })),
  plannedMB: Type.Optional(Type.Integer({ minimum: 0 })),
  lastReport: Type.Optional(Timestamp('When the agent last reported fill progress.')),
});
export type ContentPlacementStatus = Static<typeof ContentPlacementStatus>;

export type ContentPlacement = Resource<'ContentPlacement', ContentPlacementSpec, ContentPlacementStatus>;

export const contentPlacementKind = defineKind({
  kind: 'ContentPlacement',
  plural: 'contentplacements',
  singular: 'contentplacement',
  shortNames: ['cpl'],
  scope: 'Namespaced',
  description: 'The titles one local server pre-positions from its wide-area cluster, and fill progress.',
  spec: ContentPlacementSpec,
  status: ContentPlacementStatus,
  printerColumns: [
    { name: 'Site', type: 'string', jsonPath: '.spec.site' },
    { name: 'State', type: 'string', jsonPath: '.status.state' },
    { name: 'Planned-MB', type: 'integer', jsonPath: '.status.plannedMB' },
    { name: 'Filled-MB', type: 'integer', jsonPath: '.status.filledMB' },
    AGE_COLUMN,
  ],
});
