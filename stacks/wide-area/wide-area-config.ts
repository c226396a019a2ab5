/**
 * The wide-area program's stack config, read and checked: the cluster comes from the inventory
 * (`smart-fleet:inventory` + `smart-fleet:cluster`), so its node groups, fabric partitions and
 * storage are declared once; the rest are what only this data centre knows (node names, the IB
 * interface and address range, storage class, the DRM secrets: the KEK, and a hub kubeconfig each
 * for the license service and the packaging jobs). Every problem names its key.
 */
import * as pulumi from '@pulumi/pulumi';
import type { WideAreaClusterSpec } from '@smart-fleet/model';
import { checkedKeySet } from '@smart-fleet/services';
import { kubernetesVersion } from '../lib/api-versions.ts';
import { PROJECT, type StackConfig, StackConfigError } from '../lib/config.ts';
import { cronSchedule, dnsSubdomain, isDnsSubdomain, namespaceName } from '../lib/config-checks.ts';
import { KEK_CONFIG_KEY, kekProblem } from '../lib/drm-kek.ts';
import { imageSource } from '../lib/images.ts';
import { namedObject, readStackInventory } from '../lib/inventory.ts';
import { INTERFACE_NAME, planIpoibNetworks } from './ipoib-plan.ts';
import type { NodesByRole } from './node-groups.ts';
import { NODE_ROLES, type NodeRole } from './node-roles.ts';
import type { WideAreaClusterArgs } from './wide-area-cluster.ts';

export const DEFAULT_NAMESPACE = 'smart-wide-area';
export const DEFAULT_IB_INTERFACE = 'ib0';
export const DEFAULT_FABRIC_CIDR = '10.200.0.0/16';
export const DEFAULT_RDMA_PLUGIN_IMAGE = 'ghcr.io/mellanox/k8s-rdma-shared-dev-plugin:v1.5.3';
export const DEFAULT_PACKAGING_SCHEDULE = '*/15 * * * *';
export const PACKAGING_FORMATS = ['hls', 'dash'] as const;
const KEK_ID = /^[A-Za-z0-9._-]{1,63}$/;

/** What is wrong with the node names of one role, if anything. */
function roleProblem(role: NodeRole, names: unknown, groupSize: number | undefined): string | undefined {
  if (groupSize === undefined) {
    return `${role}: the cluster's inventory entry has no ${role} node group`;
  }
  if (!Array.isArray(names) || names.length === 0) {
    return `${role}: no nodes named for the ${role} node group (a list of node names)`;
  }
  const bad = names.find((n) => typeof n !== 'string' || !isDnsSubdomain(n));
  if (bad !== undefined) {
    return `${role}: ${JSON.stringify(bad)} is not a node name`;
  }
  if (names.length > groupSize) {
    return `${role}: ${names.length} nodes named, but the inventory's ${role} node group has ${groupSize}`;
  }
  return undefined;
}

export function nodesProblem(value: unknown, spec: WideAreaClusterSpec): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return `must be an object of node names per role (${NODE_ROLES.join(', ')})`;
  }
  const byRole = value as Record<string, unknown>;
  const unknownRole = Object.keys(byRole).find((k) => !(NODE_ROLES as readonly string[]).includes(k));
  if (unknownRole) {
    return `${unknownRole} is not a node role (${NODE_ROLES.join(', ')})`;
  }
  for (const role of NODE_ROLES) {
    const problem = roleProblem(role, byRole[role], spec.nodeGroups.find((g) => g.role === role)?.count);
    if (problem) {
      return problem;
    }
  }
  const all = NODE_ROLES.flatMap((role) => byRole[role] as string[]);
  const twice = all.find((n, i) => all.indexOf(n) !== i);
  return twice ? `node ${twice} is named in more than one node group` : undefined;
}

function fabricSettings(config: StackConfig, spec: WideAreaClusterSpec): WideAreaClusterArgs['fabric'] {
  const parentInterface = config.string('fabric.interface', DEFAULT_IB_INTERFACE);
  if (!INTERFACE_NAME.test(parentInterface)) {
    throw new StackConfigError('fabric.interface', `"${parentInterface}" is not an interface name like ib0`);
  }
  const cidr = config.string('fabric.cidr', DEFAULT_FABRIC_CIDR);
  try {
    planIpoibNetworks({
      partitions: spec.fabric.partitions,
      parentInterface,
      cidr,
      minAddresses: spec.nodeGroups.reduce((sum, g) => sum + g.count, 0),
    });
  } catch (error) {
    throw new StackConfigError('fabric.cidr', error instanceof Error ? error.message : String(error));
  }
  return {
    parentInterface,
    cidr,
    rdma: {
      image: config.string('rdma.devicePluginImage', DEFAULT_RDMA_PLUGIN_IMAGE),
      hcaMax: config.integer('rdma.hcaMax', { min: 1, max: 10000, fallback: 100 }),
    },
  };
}

export const LICENSE_HUB_KUBECONFIG_KEY = 'drm.hubKubeconfig';
/** The hub's published entitlement keys: the hub stack's `entitlementKeys` output. */
export const ENTITLEMENT_KEYS_KEY = 'drm.entitlementKeys';

/** The license service's own check of a key set; the fix names where the set comes from. */
function entitlementKeysProblem(value: unknown): string | undefined {
  try {
    checkedKeySet(value);
    return undefined;
  } catch (error) {
    return `${(error as Error).message}; copy the hub's: pulumi stack output --stack <hub> entitlementKeys | pulumi config set smart-fleet:${ENTITLEMENT_KEYS_KEY}`;
  }
}
export const PACKAGER_HUB_KUBECONFIG_KEY = 'packaging.hubKubeconfig';

/** What is wrong with a hub kubeconfig (never quoting it), or undefined. */
function kubeconfigProblem(value: string): string | undefined {
  return /\bclusters:/.test(value)
    ? undefined
    : 'must be a kubeconfig (YAML with clusters, users and contexts)';
}

/**
 * The packager's hub credential: a kubeconfig, and not the license service's, which
 * authenticates as an account that may not read or write ContentTitles.
 */
function packagerKubeconfigProblem(value: string): string | undefined {
  if (value === pulumi.runtime.getConfig(`${PROJECT}:${LICENSE_HUB_KUBECONFIG_KEY}`)) {
    return `is the same as ${PROJECT}:${LICENSE_HUB_KUBECONFIG_KEY}: the packager reaches the hub as its own content-packager ServiceAccount`;
  }
  return kubeconfigProblem(value);
}

function packagingFormats(config: StackConfig): string[] {
  const formats = config
    .string('packaging.formats', PACKAGING_FORMATS.join(','))
    .split(',')
    .map((f) => f.trim());
  const bad = formats.find((f) => !(PACKAGING_FORMATS as readonly string[]).includes(f));
  if (bad !== undefined) {
    throw new StackConfigError('packaging.formats', `"${bad}" is not one of ${PACKAGING_FORMATS.join(', ')}`);
  }
  return formats;
}

export function readWideAreaConfig(config: StackConfig): WideAreaClusterArgs {
  const inventory = readStackInventory(config);
  const cluster = namedObject(inventory, 'WideAreaCluster', config, 'cluster');
  const spec = cluster.spec as unknown as WideAreaClusterSpec;
  const nodes = config.object<NodesByRole>('nodes', (value) => nodesProblem(value, spec));
  const kekId = config.string('drm.kekId', 'kek-1');
  if (!KEK_ID.test(kekId)) {
    throw new StackConfigError('drm.kekId', `"${kekId}" is not a key id (letters, digits, . _ -)`);
  }
  return {
    cluster: { name: cluster.metadata.name, spec },
    namespace: namespaceName(config, DEFAULT_NAMESPACE),
    hubNamespace: inventory.namespace,
    nodes,
    fabric: fabricSettings(config, spec),
    contentLibrary: { storageClass: dnsSubdomain(config, 'contentLibrary.storageClass') },
    origin: {
      replicas: config.integer('origin.replicas', { min: 1, max: 1000, fallback: nodes.distribution.length }),
    },
    drm: { kek: config.checkedSecret(KEK_CONFIG_KEY, kekProblem), kekId },
    licenseService: {
      replicas: config.integer('licenseService.replicas', { min: 1, max: 20, fallback: 2 }),
      hubKubeconfig: config.checkedSecret(LICENSE_HUB_KUBECONFIG_KEY, kubeconfigProblem),
      entitlementKeys: JSON.stringify(
        checkedKeySet(config.object<unknown>(ENTITLEMENT_KEYS_KEY, entitlementKeysProblem)),
      ),
    },
    packaging: {
      schedule: cronSchedule(config, 'packaging.schedule', DEFAULT_PACKAGING_SCHEDULE),
      formats: packagingFormats(config),
      hubKubeconfig: config.checkedSecret(PACKAGER_HUB_KUBECONFIG_KEY, packagerKubeconfigProblem),
    },
    images: imageSource(config),
    kubernetesVersion: kubernetesVersion(config),
  };
}
