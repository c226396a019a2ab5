import * as pulumi from '@pulumi/pulumi';
import {
  ACCELERATOR_RESOURCE,
  type ImageSource,
  SITE_CACHE_CLAIM,
  type SiteSizing,
  type SiteSpec,
  sizeSite,
} from '@smart-fleet/model';
import { SITE_NAMESPACE } from '@smart-fleet/operators';
import type { KubernetesVersion } from '../lib/api-versions.ts';
import { componentNamespace } from '../lib/part-context.ts';
import { declareAcceleratorDevicePlugin } from './accelerator-device-plugin.ts';
import { declareLocalVolumes, LOCAL_STORAGE_CLASS } from './local-volumes.ts';
import {
  cacheClaimSize,
  declareReleaseNamespace,
  type EdgeServiceType,
  RELEASE_QUOTA,
} from './release-namespace.ts';
import { declareSiteAgent, STATE_CLAIM, STATE_CLAIM_SIZE } from './site-agent.ts';
import { SITE_AGENT } from './site-agent-access.ts';

export interface LocalServerArgs {
  /** The site as the inventory declares it, and the hub namespace it lives in. */
  site: { name: string; hubNamespace: string; spec: SiteSpec };
  /** The namespace the stack's own workloads (the agent, the device plugin) run in. */
  namespace: string;
  agent: {
    hubUrl: string;
    /** The site's single-use bootstrap token, from the hub (a Pulumi secret). */
    bootstrapToken: pulumi.Input<string>;
    heartbeatSeconds: number;
  };
  edge: { serviceType: EdgeServiceType; originUrl: string };
  licenseProxy: { upstreamUrl: string };
  /**
   * Where the claims' volumes come from: a storage class (unset: the cluster's default), or
   * folders on the box's own disk (local-volumes.ts).
   */
  storage: { class?: string } | { localPath: string };
  /** The accelerator plugin's device patterns; unset: its default (the SMART cards' path). */
  devicePatterns?: string[];
  images: ImageSource;
  kubernetesVersion: KubernetesVersion;
}

export class LocalServer extends pulumi.ComponentResource {
  readonly namespace: string;
  readonly sizing: SiteSizing;
  readonly releaseNamespace = SITE_NAMESPACE;
  readonly releaseQuota = RELEASE_QUOTA;
  readonly agentServiceAccount = SITE_AGENT;

  constructor(name: string, args: LocalServerArgs, opts?: pulumi.ComponentResourceOptions) {
    super('smart:site:LocalServer', name, {}, opts);
    const { site, namespace } = args;
    const ctx = componentNamespace(this, {
      namespace,
      instance: site.name,
      images: args.images,
      kubernetesVersion: args.kubernetesVersion,
    });
    const sizing = sizeSite(site.spec);
    if (sizing.devicePlugin) {
      declareAcceleratorDevicePlugin(
        {
          accelerators: site.spec.hardware.accelerators,
          size: sizing.devicePlugin,
          devicePatterns: args.devicePatterns,
        },
        ctx,
      );
    }
    let storageClass: string | undefined;
    if ('localPath' in args.storage) {
      storageClass = LOCAL_STORAGE_CLASS;
      declareLocalVolumes(
        args.storage.localPath,
        [
          { namespace, name: STATE_CLAIM, size: STATE_CLAIM_SIZE },
          { namespace: SITE_NAMESPACE, name: SITE_CACHE_CLAIM, size: cacheClaimSize(sizing) },
        ],
        ctx,
      );
    } else {
      storageClass = args.storage.class;
    }
    const releaseNamespace = declareReleaseNamespace(
      {
        sizing,
        edgeServiceType: args.edge.serviceType,
        licenseUpstreamUrl: args.licenseProxy.upstreamUrl,
        storageClass,
      },
      { ...ctx, opts: { parent: this } },
    );
    declareSiteAgent(
      {
        ...args.agent,
        originUrl: args.edge.originUrl,
        hubNamespace: site.hubNamespace,
        site: site.name,
        storageClass,
        size: sizing.agent,
      },
      releaseNamespace,
      ctx,
    );
    this.namespace = namespace;
    this.sizing = sizing;
    this.registerOutputs({
      namespace,
      sizing,
      releaseNamespace: this.releaseNamespace,
      releaseQuota: this.releaseQuota,
      agentServiceAccount: this.agentServiceAccount,
      acceleratorResource: sizing.devicePlugin ? ACCELERATOR_RESOURCE : undefined,
    });
  }
}
