import * as pulumi from '@pulumi/pulumi';
import type { ImageSource, WideAreaClusterSpec } from '@smart-fleet/model';
import type { KubernetesVersion } from '../lib/api-versions.ts';
import { componentNamespace } from '../lib/part-context.ts';
import { CONTENT_LIBRARY, declareContentLibrary, librarySize } from './content-library.ts';
import { DISTRIBUTION_ORIGIN, declareDistributionOrigin } from './distribution-origin.ts';
import { type DrmKekSettings, declareDrmKekSecret } from './drm-kek-secret.ts';
import {
  declareIpoibNetworks,
  declareRdmaDevicePlugin,
  RDMA_RESOURCE,
  type RdmaPluginSettings,
} from './infiniband-fabric.ts';
import { planIpoibNetworks } from './ipoib-plan.ts';
import { declareLicenseService, LICENSE_SERVICE, type LicenseServiceSettings } from './license-service.ts';
import { declareNodeGroups, type NodesByRole } from './node-groups.ts';
import { NODE_ROLES } from './node-roles.ts';
import { declarePackagingJobs, type PackagingSettings } from './packaging-jobs.ts';

export interface WideAreaClusterArgs {
  /** The cluster as the inventory declares it. */
  cluster: { name: string; spec: WideAreaClusterSpec };
  /** The namespace this cluster's services run in. */
  namespace: string;
  /** The nodes of each node group, by name. */
  nodes: NodesByRole;
  fabric: {
    /** The IPoIB parent interface on every node (ib0). */
    parentInterface: string;
    /** The address range the partitions' IPoIB ranges are cut from. */
    cidr: string;
    rdma: Omit<RdmaPluginSettings, 'interfaces'>;
  };
  contentLibrary: { storageClass: string };
  origin: { replicas: number };
  /** The KEK both the license service and the packaging jobs open content keys with. */
  drm: DrmKekSettings;
  packaging: Omit<PackagingSettings, 'parallelism' | 'hubNamespace' | 'kekSecret' | 'kekId'>;
  licenseService: Omit<LicenseServiceSettings, 'hubNamespace'>;
  /** The hub namespace the cluster's fleet objects (and DRM key Secrets) live in. */
  hubNamespace: string;
  images: ImageSource;
  kubernetesVersion: KubernetesVersion;
}

export interface IpoibNetworkSummary {
  name: string;
  partition: string;
  master: string;
  range: string;
}

export class WideAreaCluster extends pulumi.ComponentResource {
  readonly namespace: string;
  readonly networks: IpoibNetworkSummary[];
  /** Per role: nodes the inventory's node group has, and how many this stack labels. */
  readonly nodeGroups: Record<string, { inventory: number; labelled: number }>;
  readonly rdmaResource = RDMA_RESOURCE;
  readonly contentLibrary: { claim: string; size: string; storageClass: string };
  readonly originUrl: string;
  readonly licenseServiceUrl: string;

  constructor(name: string, args: WideAreaClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super('smart:wide-area:WideAreaCluster', name, {}, opts);
    const { cluster, namespace } = args;
    const ctx = componentNamespace(this, {
      namespace,
      instance: cluster.name,
      images: args.images,
      kubernetesVersion: args.kubernetesVersion,
    });
    declareNodeGroups(args.nodes, { ...ctx, opts: { parent: this } });

    const nodeCount = cluster.spec.nodeGroups.reduce((sum, g) => sum + g.count, 0);
    const networks = planIpoibNetworks({
      partitions: cluster.spec.fabric.partitions,
      parentInterface: args.fabric.parentInterface,
      cidr: args.fabric.cidr,
      minAddresses: nodeCount,
    });
    declareIpoibNetworks(networks, ctx);
    declareRdmaDevicePlugin({ ...args.fabric.rdma, interfaces: [args.fabric.parentInterface] }, ctx);
    declareContentLibrary(
      { storageTB: cluster.spec.storageTB, storageClass: args.contentLibrary.storageClass },
      ctx,
    );
    declareDistributionOrigin({ replicas: args.origin.replicas, networks }, ctx);
    const kekSecret = declareDrmKekSecret(args.drm, ctx);
    declarePackagingJobs(
      {
        ...args.packaging,
        parallelism: Math.max(1, args.nodes['content-generation'].length),
        hubNamespace: args.hubNamespace,
        kekSecret,
        kekId: args.drm.kekId,
      },
      ctx,
    );
    declareLicenseService({ ...args.licenseService, hubNamespace: args.hubNamespace }, ctx);

    this.namespace = namespace;
    this.networks = networks.map(({ name, partition, master, range }) => ({
      name,
      partition,
      master,
      range,
    }));
    this.nodeGroups = Object.fromEntries(
      NODE_ROLES.map((role) => [
        role,
        {
          inventory: cluster.spec.nodeGroups.find((g) => g.role === role)?.count ?? 0,
          labelled: args.nodes[role].length,
        },
      ]),
    );
    this.contentLibrary = {
      claim: CONTENT_LIBRARY,
      size: librarySize(cluster.spec.storageTB),
      storageClass: args.contentLibrary.storageClass,
    };
    this.originUrl = `http://${DISTRIBUTION_ORIGIN}.${namespace}.svc`;
    this.licenseServiceUrl = `http://${LICENSE_SERVICE}.${namespace}.svc`;
    this.registerOutputs({
      namespace: this.namespace,
      networks: this.networks,
      nodeGroups: this.nodeGroups,
      rdmaResource: this.rdmaResource,
      contentLibrary: this.contentLibrary,
      originUrl: this.originUrl,
      licenseServiceUrl: this.licenseServiceUrl,
    });
  }
}
