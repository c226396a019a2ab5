/**
 * The site program's stack config, read and checked. The building comes from the inventory
 * (`smart-fleet:inventory` + `smart-fleet:site`), validated by the same rules as
 * `npm run fleet -- apply` (its hardware, egress budget and subscriber cap; its cluster and
 * tenant), so it is declared once; the rest is what only this box knows: how to reach the hub,
 * its bootstrap token, the origin and license service it uses. Every problem names its key.
 */

import { isAbsolute, normalize } from 'node:path';
import { elide, quote, type SiteSpec } from '@smart-fleet/model';
import { originUrlProblem, parseDevicePatterns } from '@smart-fleet/services';
import { kubernetesVersion } from '../lib/api-versions.ts';
import { type StackConfig, StackConfigError } from '../lib/config.ts';
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

/**
 * The plugin's patterns, as it parses them; under /dev, the one host path its DaemonSet mounts
 * (the paths it reports must be the host's).
 */
export function devicePatternsProblem(value: unknown): string | undefined {
  if (!Array.isArray(value) || !value.every((p) => typeof p === 'string')) {
    return 'must be a list of device path patterns, e.g. ["/dev/nvidia[0-9]*"]';
  }
  try {
    for (const pattern of parseDevicePatterns(value)) {
      if (pattern.dir !== '/dev' && !pattern.dir.startsWith('/dev/')) {
        return `${quote(elide(pattern.text, 80))} is not under /dev, the host folder the plugin sees`;
      }
    }
  } catch (error) {
    return (error as Error).message;
  }
  return undefined;
}

/** A storage class, or folders on the box's disk: one or the other. */
function readStorage(config: StackConfig): LocalServerArgs['storage'] {
  const localPath = config.optionalString('storage.localPath');
  if (localPath === undefined) {
    const named = config.optionalString('storage.class') !== undefined;
    return { class: named ? dnsSubdomain(config, 'storage.class') : undefined };
  }
  if (config.optionalString('storage.class') !== undefined) {
    throw new StackConfigError('storage.localPath', 'give storage.class or storage.localPath, not both');
  }
  if (!isAbsolute(localPath) || normalize(localPath) !== localPath || localPath.length > 200) {
    throw new StackConfigError(
      'storage.localPath',
      'must be an absolute folder on the box, written plainly, e.g. /var/lib/smart-fleet/volumes',
    );
  }
  return { localPath: localPath.replace(/\/+$/, '') || '/' };
}

/** The parent's distribution origin, as the edge fills from it (the edge's own check). */
function originUrl(config: StackConfig): string {
  const value = config.string('edge.originUrl');
  const problem = originUrlProblem(value);
  if (problem) {
    throw new StackConfigError('edge.originUrl', `${problem}: the edge fills from it as a plain upstream`);
  }
  return value.replace(/\/$/, '');
}

export function readSiteConfig(config: StackConfig): LocalServerArgs {
  const inventory = readStackInventory(config);
  const site = namedObject(inventory, 'Site', config, 'site');
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
      originUrl: originUrl(config),
    },
    licenseProxy: { upstreamUrl: httpUrl(config, 'licenseProxy.upstreamUrl') },
    storage: readStorage(config),
    devicePatterns: config.optionalObject<string[]>('accelerators.devicePatterns', devicePatternsProblem),
    images: imageSource(config),
    kubernetesVersion: kubernetesVersion(config),
  };
}
