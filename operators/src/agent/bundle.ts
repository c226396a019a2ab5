/**
 * A site's desired bundle: what its agent pulls and applies. The hub builds it from its caches
 * (the Site, the SiteRelease its status targets, its ContentPlacement); the revision is a hash
 * of the content, so an agent applies only when something changed.
 */
import { createHash } from 'node:crypto';
import type { ContentPlacementSpec, SiteReleaseSpec, SiteSpec } from '@smart-fleet/model';

export interface Bundle {
  revision: string;
  site: { name: string; namespace: string; spec: SiteSpec };
  release?: { name: string; spec: SiteReleaseSpec };
  placement?: ContentPlacementSpec;
}

export function makeBundle(content: Omit<Bundle, 'revision'>): Bundle {
  const revision = createHash('sha256').update(JSON.stringify(content)).digest('hex').slice(0, 16);
  return { revision, ...content };
}
