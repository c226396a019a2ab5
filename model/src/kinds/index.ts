/** Every fleet kind, in the order a hub needs them (owners before what refers to them). */
import { contentPlacementKind } from './content-placement.ts';
import { contentTitleKind } from './content-title.ts';
import { drmPolicyKind } from './drm-policy.ts';
import { releaseAssignmentKind } from './release-assignment.ts';
import { rolloutKind } from './rollout.ts';
import { siteKind } from './site.ts';
import { siteReleaseKind } from './site-release.ts';
import { tenantKind } from './tenant.ts';
import { wideAreaClusterKind } from './wide-area-cluster.ts';

export const ALL_KINDS = [
  tenantKind,
  wideAreaClusterKind,
  siteKind,
  siteReleaseKind,
  rolloutKind,
  releaseAssignmentKind,
  drmPolicyKind,
  contentTitleKind,
  contentPlacementKind,
] as const;

/** The definition of a fleet kind by its name (`Site`), if it is one. */
export function kindNamed(kind: string): (typeof ALL_KINDS)[number] | undefined {
  return ALL_KINDS.find((k) => k.kind === kind);
}

export * from './content-placement.ts';
export * from './content-title.ts';
export * from './drm-policy.ts';
export * from './release-assignment.ts';
export * from './rollout.ts';
export * from './site.ts';
export * from './site-release.ts';
export * from './tenant.ts';
export * from './wide-area-cluster.ts';
