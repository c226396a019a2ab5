/**
 * The fleet's other kinds as nodes. Wide-area clusters, releases, rollouts, placements and DRM
 * policies are staff-only; a partner sees its own Tenant and the ContentTitles it owns.
 */
import {
  type ContentPlacement,
  ContentPlacementSpec,
  ContentPlacementStatus,
  type ContentTitle,
  ContentTitleSpec,
  ContentTitleStatus,
  type DrmPolicy,
  DrmPolicySpec,
  DrmPolicyStatus,
  ROLLOUT_PHASES,
  type Rollout,
  RolloutSpec,
  RolloutStatus,
  type SiteRelease,
  SiteReleaseSpec,
  SiteReleaseStatus,
  type Tenant,
  TenantSpec,
  TenantStatus,
  type WideAreaCluster,
  WideAreaClusterSpec,
  WideAreaClusterStatus,
} from '@smart-fleet/model';
import { modelEnum } from '../model-types.ts';
import {
  ClusterRef,
  DrmPolicyRef,
  PlacementRef,
  ReleaseRef,
  RolloutRef,
  SiteRef,
  TenantRef,
  TitleRef,
} from '../refs.ts';
import { fleetNode } from './fleet-node.ts';
import { STAFF } from './scopes.ts';

const staffOnly = {
  authScopes: STAFF,
  treeScopes: STAFF,
  visible: (c: { principal: { kind: string } }) => c.principal.kind === 'staff',
};

fleetNode<Tenant>(TenantRef, {
  kind: 'Tenant',
  description: 'A carrier, content provider or local service operator that owns sites or content.',
  spec: TenantSpec,
  status: TenantStatus,
  visible: (c, tenant) => c.principal.kind === 'staff' || c.principal.tenant === tenant.metadata.name,
});

fleetNode<WideAreaCluster>(ClusterRef, {
  ...staffOnly,
  kind: 'WideAreaCluster',
  description:
    'A data-centre cluster that stores and distributes content to the local servers of its regions.',
  spec: WideAreaClusterSpec,
  status: WideAreaClusterStatus,
});

fleetNode<SiteRelease>(ReleaseRef, {
  ...staffOnly,
  kind: 'SiteRelease',
  description: 'A versioned bundle of local-server services and their settings.',
  spec: SiteReleaseSpec,
  status: SiteReleaseStatus,
});

const RolloutPhaseEnum = modelEnum(ROLLOUT_PHASES, 'RolloutPhase');

fleetNode<Rollout>(RolloutRef, {
  ...staffOnly,
  kind: 'Rollout',
  description: 'Moves a SiteRelease across selected sites in health-gated waves.',
  spec: RolloutSpec,
  status: RolloutStatus,
  fields: (t) => ({
    phase: t.field({
      type: RolloutPhaseEnum,
      resolve: (r) => ((r as { status?: { phase?: string } }).status?.phase ?? 'Pending') as never,
    }),
    release: t.field({
      type: ReleaseRef,
      nullable: true,
      resolve: (r, _args, context) => {
        const rollout = r as { metadata: { namespace?: string }; spec: { release: string } };
        return (
          context.view.get('SiteRelease', rollout.metadata.namespace ?? '', rollout.spec.release) ?? null
        );
      },
    }),
  }),
});

fleetNode<ContentTitle>(TitleRef, {
  kind: 'ContentTitle',
  description: 'A title of the content library with MPEG-7 descriptive metadata and its renditions.',
  spec: ContentTitleSpec,
  status: ContentTitleStatus,
  visible: (c, title) =>
    c.principal.kind === 'staff' ||
    (c.principal.scopes.has('content:read') && c.principal.tenant === title.spec.owner),
  fields: (t) => ({
    drmPolicy: t.field({
      type: DrmPolicyRef,
      nullable: true,
      authScopes: STAFF,
      resolve: (title, _args, context) => {
        const { metadata, spec } = title as {
          metadata: { namespace?: string };
          spec: { drmPolicy?: string };
        };
        return spec.drmPolicy
          ? (context.view.get('DrmPolicy', metadata.namespace ?? '', spec.drmPolicy) ?? null)
          : null;
      },
    }),
  }),
});

fleetNode<ContentPlacement>(PlacementRef, {
  ...staffOnly,
  kind: 'ContentPlacement',
  description: 'The titles one local server pre-positions from its wide-area cluster, and fill progress.',
  spec: ContentPlacementSpec,
  status: ContentPlacementStatus,
  fields: (t) => ({
    site: t.field({
      type: SiteRef,
      nullable: true,
      resolve: (p, _args, context) => {
        const { metadata, spec } = p as { metadata: { namespace?: string }; spec: { site: string } };
        return context.view.sites.get(`${metadata.namespace ?? ''}/${spec.site}`) ?? null;
      },
    }),
  }),
});

fleetNode<DrmPolicy>(DrmPolicyRef, {
  ...staffOnly,
  kind: 'DrmPolicy',
  description:
    'Content-key lifecycle rules. Never carries key material: keys live envelope-encrypted where only the license service reads them, and the API cannot read them at all.',
  spec: DrmPolicySpec,
  status: DrmPolicyStatus,
});
