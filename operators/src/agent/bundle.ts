/**
 * A site's desired bundle: what its agent pulls and applies. The hub builds it from its caches
 * (the Site, the SiteRelease its status targets, its ContentPlacement) and adds the public keys
 * its API signs playback entitlements with, so a rotated key reaches every site's edge with the
 * next pull; the revision is a hash of the content, so an agent applies only when something
 * changed.
 */
import { createHash } from 'node:crypto';
import type { ContentPlacementSpec, SiteReleaseSpec, SiteSpec } from '@smart-fleet/model';
import type { EntitlementKeySet } from '@smart-fleet/services';

export interface Bundle {
  revision: string;
  site: { name: string; namespace: string; spec: SiteSpec };
  release?: { name: string; spec: SiteReleaseSpec };
  placement?: ContentPlacementSpec;
  /** The hub's entitlement keys (public), when the hub was given them. */
  entitlementKeys?: EntitlementKeySet;
}

export function makeBundle(content: Omit<Bundle, 'revision'>): Bundle {
  const revision = createHash('sha256').update(JSON.stringify(content)).digest('hex').slice(0, 16);
  return { revision, ...content };
}
