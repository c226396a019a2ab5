/**
 * The labels a site's telemetry series carry (namespace, site, region, tenant), from the
 * informer's copy of the Site: what the exporter and the replay label samples with, so the
 * API can aggregate and filter them.
 */
import type { KubernetesObject } from '@kubernetes/client-node';
import { type SharedInformers, splitKey } from '@smart-fleet/kube';
import type { Site, TelemetryLabels } from '@smart-fleet/model';

export function telemetryLabels(informers: SharedInformers): (key: string) => TelemetryLabels | undefined {
  const sites = informers.for<Site & KubernetesObject>('Site');
  return (key) => {
    const { namespace, name } = splitKey(key);
    const site = sites.get(name, namespace);
    return site
      ? {
          namespace: site.metadata.namespace ?? '',
          site: site.metadata.name,
          region: site.spec.location.region,
          tenant: site.spec.tenant,
        }
      : undefined;
  };
}
