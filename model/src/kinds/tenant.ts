/**
 * Tenant: a party that owns sites or content. Carriers, content providers and local service
 * operators (apartment operators, universities, hotels...) each see only what is theirs.
 */
import { type Resource, StatusOf } from '../common.ts';
import { AGE_COLUMN, defineKind } from '../kind.ts';
import { type Static, Strict, StringEnum, Type } from '../schema.ts';

export const TENANT_KINDS = ['carrier', 'content-provider', 'site-operator'] as const;

export const TenantSpec = Strict({
  displayName: Type.String({ minLength: 1, maxLength: 128 }),
  kind: StringEnum(TENANT_KINDS),
  contactEmail: Type.String({ pattern: '^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$', maxLength: 254 }),
});
export type TenantSpec = Static<typeof TenantSpec>;

export const TenantStatus = StatusOf({
  sites: Type.Optional(Type.Integer({ minimum: 0 })),
});
export type TenantStatus = Static<typeof TenantStatus>;

export type Tenant = Resource<'Tenant', TenantSpec, TenantStatus>;

export const tenantKind = defineKind({
  kind: 'Tenant',
  plural: 'tenants',
  singular: 'tenant',
  shortNames: ['tnt'],
  scope: 'Namespaced',
  description: 'A carrier, content provider or local service operator that owns sites or content.',
  spec: TenantSpec,
  status: TenantStatus,
  printerColumns: [
    { name: 'Display-Name', type: 'string', jsonPath: '.spec.displayName' },
    { name: 'Kind', type: 'string', jsonPath: '.spec.kind' },
    { name: 'Sites', type: 'integer', jsonPath: '.status.sites' },
    AGE_COLUMN,
  ],
});
