import * as pulumi from '@pulumi/pulumi';
import {
  ACCELERATOR_RESOURCE,
  type ImageSource,
  type SiteSizing,
  type SiteSpec,
  sizeSite,
} from '@smart-fleet/model';
import { SITE_NAMESPACE } from '@smart-fleet/operators';
import type { KubernetesVersion } from '../lib/api-versions.ts';
import { componentNamespace } from '../lib/part-context.ts';
import { declareAcceleratorDevicePlugin } from './accelerator-device-plugin.ts';
import { declareReleaseNamespace, type EdgeServiceType, RELEASE_QUOTA } from './release-namespace.ts';
import { declareSiteAgent } from './site-agent.ts';
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
  /** Unset: the cluster's default storage class. */
  storageClass?: string;
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
        { accelerators: site.spec.hardware.accelerators, size: sizing.devicePlugin },
        ctx,
      );
    }
    const releaseNamespace = declareReleaseNamespace(
      {
        sizing,
        edgeServiceType: args.edge.serviceType,
        originUrl: args.edge.originUrl,
        licenseUpstreamUrl: args.licenseProxy.upstreamUrl,
        storageClass: args.storageClass,
      },
      { ...ctx, opts: { parent: this } },
    );
    declareSiteAgent(
      {
        ...args.agent,
        hubNamespace: site.hubNamespace,
        site: site.name,
        storageClass: args.storageClass,
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
