/**
 * What the agents' endpoint serves, from the informer caches (no API-server read per pull): a
 * site's bundle (its spec, the SiteRelease its ReleaseAssignment names, its ContentPlacement)
 * and the hub's public entitlement keys; and whether the site may still call in.
 */
import type { KubernetesObject } from '@kubernetes/client-node';
import type { SharedInformers } from '@smart-fleet/kube';
import type { ContentPlacement, ReleaseAssignment, Site, SiteRelease } from '@smart-fleet/model';
import type { EntitlementKeySet } from '@smart-fleet/services';
import { type Bundle, makeBundle } from './bundle.ts';

type Obj<T> = T & KubernetesObject;

export interface SiteRef {
  namespace: string;
  name: string;
}

export function bundleSource(
  informers: SharedInformers,
  entitlementKeys?: EntitlementKeySet,
): (site: SiteRef) => Bundle | undefined {
  const sites = informers.for<Obj<Site>>('Site');
  const releases = informers.for<Obj<SiteRelease>>('SiteRelease');
  const placements = informers.for<Obj<ContentPlacement>>('ContentPlacement');
  const assignments = informers.for<Obj<ReleaseAssignment>>('ReleaseAssignment');
  return ({ namespace, name }) => {
    const site = sites.get(name, namespace);
    if (!site) {
      return undefined;
    }
    const assigned = assignments.get(name, namespace)?.spec.release;
    const release = assigned ? releases.get(assigned, namespace) : undefined;
    return makeBundle({
      site: { name, namespace, spec: site.spec },
      release: release ? { name: release.metadata.name, spec: release.spec } : undefined,
      placement: placements.get(name, namespace)?.spec,
      entitlementKeys,
    });
  };
}

/** A decommissioned site's agent may no longer call in. */
export function siteActive(informers: SharedInformers): (site: SiteRef) => boolean {
  const sites = informers.for<Obj<Site>>('Site');
  return ({ namespace, name }) => sites.get(name, namespace)?.spec.lifecycle !== 'Decommissioned';
}
