/**
 * The site program's stack config, read and checked. The building comes from the inventory
 * (`smart-fleet:inventory` + `smart-fleet:site`), validated by the same rules as
 * `npm run fleet -- apply` (its hardware, egress budget and subscriber cap; its cluster and
 * tenant), so it is declared once; the rest is what only this box knows: how to reach the hub,
 * its bootstrap token, the origin and license service it uses. Every problem names its key.
 */
import type { SiteSpec } from '@smart-fleet/model';
import { kubernetesVersion } from '../lib/api-versions.ts';
import type { StackConfig } from '../lib/config.ts';
import { dnsSubdomain, httpUrl, namespaceName } from '../lib/config-checks.ts';
import { imageSource } from '../lib/images.ts';
import { namedObject, readStackInventory } from '../lib/inventory.ts';
import type { LocalServerArgs } from './local-server.ts';
import { SERVICE_TYPES } from './release-namespace.ts';

export const DEFAULT_NAMESPACE = 'smart-local-server';

export function bootstrapTokenProblem(value: string): string | undefined {
  return /^\S+$/.test(value)
    ? undefined
    : "must be the site's bootstrap token from the hub, one word (see docs/stacks-wide-area-and-site.md)";
}

export function readSiteConfig(config: StackConfig): LocalServerArgs {
  const inventory = readStackInventory(config);
  const site = namedObject(inventory, 'Site', config, 'site');
  const storageClass = config.optionalString('storage.class');
  return {
    site: {
      name: site.metadata.name,
      hubNamespace: inventory.namespace,
      spec: site.spec as unknown as SiteSpec,
    },
    namespace: namespaceName(config, DEFAULT_NAMESPACE),
    agent: {
      hubUrl: httpUrl(config, 'hubUrl'),
      bootstrapToken: config.checkedSecret('agent.bootstrapToken', bootstrapTokenProblem),
      heartbeatSeconds: config.integer('agent.heartbeatSeconds', { min: 1, max: 60, fallback: 5 }),
    },
    edge: {
      serviceType: config.oneOf('edge.serviceType', SERVICE_TYPES, 'LoadBalancer'),
      originUrl: httpUrl(config, 'edge.originUrl'),
    },
    licenseProxy: { upstreamUrl: httpUrl(config, 'licenseProxy.upstreamUrl') },
    storageClass: storageClass === undefined ? undefined : dnsSubdomain(config, 'storage.class'),
    images: imageSource(config),
    kubernetesVersion: kubernetesVersion(config),
  };
}
