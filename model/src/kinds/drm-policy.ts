/**
 * DrmPolicy: how content keys for the titles it covers are made, rotated and licensed.
 * Key material never appears here: keys live envelope-encrypted in Secrets the license
 * service alone may read.
 */
import { type Resource, StatusOf } from '../common.ts';
import { AGE_COLUMN, defineKind } from '../kind.ts';
import { type Static, Strict, StringEnum, Timestamp, Type } from '../schema.ts';

export const DrmPolicySpec = Strict({
  keyScope: StringEnum(['per-title', 'per-rendition'] as const, { default: 'per-title' }),
  algorithm: StringEnum(['AES-128-CBC', 'AES-128-CTR'] as const, { default: 'AES-128-CTR' }),
  rotationDays: Type.Integer({ minimum: 1, maximum: 3650 }),
  licenseDurationHours: Type.Integer({ minimum: 1, maximum: 8760 }),
  maxDevicesPerSubscriber: Type.Integer({ minimum: 1, maximum: 16, default: 4 }),
  allowOffline: Type.Boolean({ default: false }),
});
export type DrmPolicySpec = Static<typeof DrmPolicySpec>;

export const DrmPolicyStatus = StatusOf({
  activeKeys: Type.Optional(Type.Integer({ minimum: 0 })),
  lastRotation: Type.Optional(Timestamp('When keys were last rotated.')),
});
export type DrmPolicyStatus = Static<typeof DrmPolicyStatus>;

export type DrmPolicy = Resource<'DrmPolicy', DrmPolicySpec, DrmPolicyStatus>;

export const drmPolicyKind = defineKind({
  kind: 'DrmPolicy',
  plural: 'drmpolicies',
  singular: 'drmpolicy',
  shortNames: ['drm'],
  scope: 'Namespaced',
  description: 'Content-key lifecycle rules for the titles it protects (no key material).',
  spec: DrmPolicySpec,
  status: DrmPolicyStatus,
  printerColumns: [
    { name: 'Scope', type: 'string', jsonPath: '.spec.keyScope' },
    { name: 'Rotation-Days', type: 'integer', jsonPath: '.spec.rotationDays' },
    { name: 'Keys', type: 'integer', jsonPath: '.status.activeKeys' },
    AGE_COLUMN,
  ],
});
