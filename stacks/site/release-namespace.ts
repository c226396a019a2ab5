/**
 * The release namespace (`smart-site`, the agent's SITE_NAMESPACE) and the box-level pieces in
 * it that every release's workloads use. With each SiteRelease the site agent renders the
 * streaming edge, the cache and the license proxy there as Deployments (operators/src/agent/
 * render.ts); what outlives a release is this stack's, declared once per box:
 * - the cache's PersistentVolumeClaim, sized from the box's storage (the cache mounts it);
 * - a Service per served release service, selecting the pods the agent renders;
 * - what only this box knows (the license service its proxy forwards to), as a ConfigMap the
 *   release's containers read as environment. The box's origin goes to the agent instead (it
 *   writes the edge's plan), and a release's pods find the box's own Services in the environment
 *   Kubernetes gives every pod (LICENSE_PROXY_SERVICE_HOST...), which needs no cluster DNS;
 * - a ResourceQuota from the same sizing, so a release can never ask for more than the box has.
 * None of them carries the agent's managed-by label, so the agent's prune never touches them.
 */
import * as k8s from '@pulumi/kubernetes';
import {
  ACCELERATOR_RESOURCE,
  CACHE_SERVICE,
  EDGE_SERVICE,
  quantities,
  SERVED_SITE_SERVICES,
  SITE_CACHE_CLAIM,
  SITE_ENDPOINTS_CONFIG,
  SITE_SERVICE_PORTS,
  type SiteSizing,
} from '@smart-fleet/model';
import { releaseSelector, SITE_NAMESPACE } from '@smart-fleet/operators';
import { appLabels, PART_OF } from '../lib/labels.ts';
import type { PartContext } from '../lib/part-context.ts';

export const RELEASE_QUOTA = 'release-budget';
export const SERVICE_TYPES = ['LoadBalancer', 'NodePort', 'ClusterIP'] as const;
export type EdgeServiceType = (typeof SERVICE_TYPES)[number];

export interface ReleaseNamespaceSettings {
  sizing: SiteSizing;
  /** How the building's players reach the streaming edge. */
  edgeServiceType: EdgeServiceType;
  /** The wide-area DRM license service the license proxy forwards to. */
  licenseUpstreamUrl: string;
  /** Unset: the cluster's default storage class. */
  storageClass?: string;
}

/** The cache claim's size: the share of the box's storage the sizing gives it. */
export const cacheClaimSize = (sizing: SiteSizing) => `${sizing.cacheVolumeGB}G`;

/** The ResourceQuota's `hard`: the release's share of the box, limits as requests. */
export function releaseQuotaHard(sizing: SiteSizing): Record<string, string> {
  const { cpu, memory } = quantities(sizing.releaseQuota);
  return {
    'requests.cpu': cpu,
    'limits.cpu': cpu,
    'requests.memory': memory,
    'limits.memory': memory,
    [`requests.${ACCELERATOR_RESOURCE}`]: String(sizing.releaseQuota.accelerators),
  };
}

export function declareReleaseNamespace(
  settings: ReleaseNamespaceSettings,
  ctx: PartContext,
): k8s.core.v1.Namespace {
  const labels = (component: string) => appLabels(component, ctx.instance);
  // Only part-of: the agent labels the namespace as its own (managed-by) when it applies it.
  const namespace = new k8s.core.v1.Namespace(
    SITE_NAMESPACE,
    { metadata: { name: SITE_NAMESPACE, labels: { 'app.kubernetes.io/part-of': PART_OF } } },
    ctx.opts,
  );
  const opts = { ...ctx.opts, dependsOn: [namespace] };
  const inNamespace = (name: string, component = name) => ({
    name,
    namespace: SITE_NAMESPACE,
    labels: labels(component),
  });
  new k8s.core.v1.PersistentVolumeClaim(
    SITE_CACHE_CLAIM,
    {
      metadata: inNamespace(SITE_CACHE_CLAIM, CACHE_SERVICE),
      spec: {
        accessModes: ['ReadWriteOnce'],
        ...(settings.storageClass ? { storageClassName: settings.storageClass } : {}),
        resources: { requests: { storage: cacheClaimSize(settings.sizing) } },
      },
    },
    opts,
  );
  for (const service of SERVED_SITE_SERVICES) {
    new k8s.core.v1.Service(
      service,
      {
        metadata: inNamespace(service),
        spec: {
          // Players reach the edge from the building's network; the rest are in-cluster only.
          type: service === EDGE_SERVICE ? settings.edgeServiceType : 'ClusterIP',
          selector: releaseSelector(service),
          ports: SITE_SERVICE_PORTS.map((p) => ({ ...p })),
        },
      },
      opts,
    );
  }
  new k8s.core.v1.ConfigMap(
    SITE_ENDPOINTS_CONFIG,
    {
      metadata: inNamespace(SITE_ENDPOINTS_CONFIG, 'local-server'),
      data: { LICENSE_UPSTREAM_URL: settings.licenseUpstreamUrl },
    },
    opts,
  );
  new k8s.core.v1.ResourceQuota(
    RELEASE_QUOTA,
    {
      metadata: inNamespace(RELEASE_QUOTA, 'local-server'),
      spec: { hard: releaseQuotaHard(settings.sizing) },
    },
    opts,
  );
  return namespace;
}
