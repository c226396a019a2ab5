/**
 * Who writes what in each fleet kind's status: one owner per field and per condition type.
 * Each controller applies exactly its part, by server-side apply under its own field manager
 * (kube/src/status.ts), so no two controllers ever replace or fight over the same status.
 * `status-owners.test.ts` checks that no field has two owners and that every column the CRDs
 * print from status has one.
 */
import type { StatusOwner } from '@smart-fleet/kube';
// The packager runs on content-generation nodes, not here; its part is declared beside it.
import { TITLE_PACKAGING_STATUS } from '@smart-fleet/services';

export { TITLE_PACKAGING_STATUS };

/** The fleet rules' verdict on a Site's spec, and its agent's bootstrap credential. */
export const SITE_ADMISSION_STATUS: StatusOwner = {
  manager: 'site-admission',
  fields: ['observedGeneration'],
  conditions: ['Admitted', 'BootstrapCredentialIssued'],
};

/**
 * A Site's phase (from the operator's lifecycle request, the admission verdict and the agent's
 * heartbeats), what the agent reports running, and when it was last heard.
 */
export const SITE_HEALTH_STATUS: StatusOwner = {
  manager: 'site-health',
  fields: ['phase', 'lastHeartbeat', 'deployedRelease'],
  conditions: ['Reachable', 'Healthy', 'ReleaseApplied'],
};

/** A Rollout's progress. (The release each site should run is in its ReleaseAssignment.) */
export const ROLLOUT_STATUS: StatusOwner = {
  manager: 'rollouts',
  fields: ['observedGeneration', 'phase', 'currentWave', 'waves', 'sitesHeld'],
  conditions: ['Valid', 'Progressing'],
};

/** Counts of the sites that run a release, belong to a tenant, or hang off a cluster. */
export const RELEASE_ROLLUP_STATUS: StatusOwner = { manager: 'site-rollups', fields: ['sitesRunning'] };
export const TENANT_ROLLUP_STATUS: StatusOwner = { manager: 'site-rollups', fields: ['sites'] };
export const CLUSTER_ROLLUP_STATUS: StatusOwner = {
  manager: 'site-rollups',
  fields: ['sites', 'phase'],
  conditions: ['SitesReachable'],
};

/** How far each site has pre-positioned its placement; how many sites hold each title. */
export const PLACEMENT_STATUS: StatusOwner = {
  manager: 'content-placement',
  fields: ['state', 'plannedMB', 'filledMB', 'lastReport'],
};
export const TITLE_PLACEMENT_STATUS: StatusOwner = { manager: 'content-placement', fields: ['sitesPlaced'] };

/** The content keys a policy governs. */
export const DRM_POLICY_STATUS: StatusOwner = { manager: 'drm-keys', fields: ['activeKeys', 'lastRotation'] };

/** Every owner by kind. */
export const STATUS_OWNERS: Readonly<Record<string, readonly StatusOwner[]>> = {
  Site: [SITE_ADMISSION_STATUS, SITE_HEALTH_STATUS],
  Rollout: [ROLLOUT_STATUS],
  SiteRelease: [RELEASE_ROLLUP_STATUS],
  Tenant: [TENANT_ROLLUP_STATUS],
  WideAreaCluster: [CLUSTER_ROLLUP_STATUS],
  ContentPlacement: [PLACEMENT_STATUS],
  ContentTitle: [TITLE_PLACEMENT_STATUS, TITLE_PACKAGING_STATUS],
  DrmPolicy: [DRM_POLICY_STATUS],
  ReleaseAssignment: [],
};

/**
 * Status fields no controller here writes, and why. Anything else in a kind's status schema
 * without an owner is a test failure.
 */
export const UNOWNED_STATUS_FIELDS: Readonly<Record<string, Record<string, string>>> = {};
