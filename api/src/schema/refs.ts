/**
 * References to the schema's object types, made before any is implemented, so type modules can
 * point at each other (a Site's tenant, a Tenant's sites) without import cycles.
 */
import type {
  ContentPlacement,
  ContentTitle,
  DrmPolicy,
  Rollout,
  Site,
  SiteRelease,
  Tenant,
  WideAreaCluster,
} from '@smart-fleet/model';
import type { ApiKeyRecord } from '../auth/api-keys.ts';
import type { Alert } from '../view/alerts.ts';
import { builder } from './builder.ts';

export const SiteRef = builder.objectRef<Site>('Site');
export const TenantRef = builder.objectRef<Tenant>('Tenant');
export const ClusterRef = builder.objectRef<WideAreaCluster>('WideAreaCluster');
export const ReleaseRef = builder.objectRef<SiteRelease>('SiteRelease');
export const RolloutRef = builder.objectRef<Rollout>('Rollout');
export const TitleRef = builder.objectRef<ContentTitle>('ContentTitle');
export const PlacementRef = builder.objectRef<ContentPlacement>('ContentPlacement');
export const DrmPolicyRef = builder.objectRef<DrmPolicy>('DrmPolicy');
export const AlertRef = builder.objectRef<Alert>('Alert');
export const ApiKeyRef = builder.objectRef<ApiKeyRecord>('ApiKey');
