/**
 * What a bundle becomes in the site's own cluster, pure: the release namespace, the site's
 * values, the content placement, and per release service its settings and a Deployment. The
 * Deployments are sized by the model's site sizing (model/src/site-sizing.ts), the function the
 * LocalServer stack sizes the box and this namespace's ResourceQuota with, so a release always
 * fits what the stack left for it. The stack owns the box (the cache claim, the Services, the
 * quota, the box's endpoints); the agent owns the release. Every object here carries the agent's
 * label, so the agent can prune what a newer bundle no longer has; the stack's objects do not,
 * so they are never pruned.
 */
import {
  ACCELERATOR_RESOURCE,
  CACHE_SERVICE,
  EDGE_SERVICE,
  RESTRICTED_CONTAINER,
  RESTRICTED_POD,
  type ReleaseWorkload,
  releaseWorkload,
  resourceQuantities,
  SERVED_SITE_SERVICES,
  SITE_CACHE_CLAIM,
  SITE_CACHE_PATH,
  SITE_CONTAINER_PORT,
  SITE_ENDPOINTS_CONFIG,
  SITE_PROBE_PATHS,
  SITE_SERVICE_PORT_NAME,
  type SiteSizing,
  sizeSite,
  TMP_MOUNT,
  TMP_VOLUME,
} from '@smart-fleet/model';
import type { Bundle } from './bundle.ts';

export const SITE_NAMESPACE = 'smart-site';
export const AGENT_MANAGER = 'smart-site-agent';
export const MANAGED_LABEL = 'app.kubernetes.io/managed-by';

type ReleaseService = NonNullable<Bundle['release']>['spec']['services'][number];

export interface SiteObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels: Record<string, string> };
  [field: string]: unknown;
}

/** The labels a release service's pods carry, and the stack's Service for it selects on. */
export function releaseSelector(service: string): Record<string, string> {
  return { 'app.kubernetes.io/name': service };
}

function labels(extra: Record<string, string> = {}): Record<string, string> {
  return { [MANAGED_LABEL]: AGENT_MANAGER, ...extra };
}

function configMap(name: string, data: Record<string, string>, extra?: Record<string, string>): SiteObject {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, namespace: SITE_NAMESPACE, labels: labels(extra) },
    data,
  };
}

/**
 * The box's own parts: the site agent and the accelerator device plugin run from the building's
 * stack (stacks/site), outside the release namespace. A release that names them states the
 * images it was tested with; the agent records them in this ConfigMap for the operator to bring
 * the stack to (its `imageTag`), and never runs a second copy.
 */
export const PLATFORM_SERVICES = ['site-agent', 'accelerator-plugin'] as const;
export const PLATFORM_VERSIONS_CONFIG = 'platform-versions';
const isPlatform = (service: string) => (PLATFORM_SERVICES as readonly string[]).includes(service);

const isServed = (service: string) => (SERVED_SITE_SERVICES as readonly string[]).includes(service);

/** Requests and limits from the sizing; the edge's cards as the extended resource (whole, limits = requests). */
function resources(workload: ReleaseWorkload): Record<string, Record<string, string>> {
  const { requests, limits } = resourceQuantities(workload.size);
  const cards: Record<string, string> =
    workload.accelerators > 0 ? { [ACCELERATOR_RESOURCE]: String(workload.accelerators) } : {};
  return { requests: { ...requests, ...cards }, limits: { ...limits, ...cards } };
}

/** What the sizing tells a service about its share of the box. */
function sizedEnv(service: string, sizing: SiteSizing): { name: string; value: string }[] {
  const env = (values: Record<string, number | string>) =>
    Object.entries(values).map(([name, value]) => ({ name, value: String(value) }));
  switch (service) {
    case EDGE_SERVICE:
      return env({
        EGRESS_BUDGET_MBPS: sizing.edge.egressMbps,
        MAX_STREAMS: sizing.edge.maxStreams,
        ACCELERATORS: sizing.edge.accelerators,
      });
    case CACHE_SERVICE:
      return env({ CACHE_DIR: SITE_CACHE_PATH, CACHE_SIZE_GB: sizing.cacheVolumeGB });
    default:
      return [];
  }
}

/** A served service listens on the agreed port (the stack's Service targets it by name) and is probed there. */
function servedContainerParts(service: string): Record<string, unknown> {
  if (!isServed(service)) {
    return {};
  }
  return {
    ports: [{ name: SITE_SERVICE_PORT_NAME, containerPort: SITE_CONTAINER_PORT, protocol: 'TCP' }],
    readinessProbe: {
      httpGet: { path: SITE_PROBE_PATHS.ready, port: SITE_SERVICE_PORT_NAME },
      periodSeconds: 5,
    },
    livenessProbe: {
      httpGet: { path: SITE_PROBE_PATHS.live, port: SITE_SERVICE_PORT_NAME },
      initialDelaySeconds: 10,
      periodSeconds: 10,
    },
  };
}

function podSpec(service: ReleaseService, sizing: SiteSizing): Record<string, unknown> {
  const cache = service.name === CACHE_SERVICE;
  return {
    // Release services never talk to the site's API server.
    automountServiceAccountToken: false,
    securityContext: RESTRICTED_POD,
    containers: [
      {
        name: service.name,
        image: service.image,
        // The release's settings, then what only the box knows (its stack's ConfigMap, absent
        // on a cluster no stack made), then the sizing's figures: a later source wins.
        envFrom: [
          { configMapRef: { name: `${service.name}-settings` } },
          { configMapRef: { name: SITE_ENDPOINTS_CONFIG, optional: true } },
        ],
        env: sizedEnv(service.name, sizing),
        ...servedContainerParts(service.name),
        securityContext: RESTRICTED_CONTAINER,
        resources: resources(releaseWorkload(sizing, service.name)),
        volumeMounts: [TMP_MOUNT, ...(cache ? [{ name: 'cache', mountPath: SITE_CACHE_PATH }] : [])],
      },
    ],
    volumes: [
      TMP_VOLUME,
      // The stack's claim: the cache outlives every release.
      ...(cache ? [{ name: 'cache', persistentVolumeClaim: { claimName: SITE_CACHE_CLAIM } }] : []),
    ],
  };
}

function deployment(service: ReleaseService, bundle: Bundle, sizing: SiteSizing): SiteObject {
  const selector = releaseSelector(service.name);
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: service.name,
      namespace: SITE_NAMESPACE,
      labels: labels({ ...selector, 'smartfleet.io/release': bundle.release?.name ?? '' }),
    },
    spec: {
      replicas: releaseWorkload(sizing, service.name).replicas,
      // A new version replaces the old instead of running beside it: the namespace's quota
      // holds one copy of the release, and the edge's cards and CPU are the whole box's.
      strategy: { type: 'Recreate' },
      selector: { matchLabels: selector },
      template: { metadata: { labels: selector }, spec: podSpec(service, sizing) },
    },
  };
}

export function renderBundle(bundle: Bundle): SiteObject[] {
  const spec = bundle.site.spec;
  const sizing = sizeSite(spec);
  const objects: SiteObject[] = [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: SITE_NAMESPACE, labels: labels() } },
    configMap('site-values', {
      site: bundle.site.name,
      region: spec.location.region,
      egressBudgetMbps: String(spec.streaming.egressBudgetMbps),
      subscriberCap: String(spec.subscriberCap),
    }),
  ];
  if (bundle.placement) {
    objects.push(configMap('content-placement', { 'placement.json': JSON.stringify(bundle.placement) }));
  }
  const services = bundle.release?.spec.services ?? [];
  for (const service of services.filter((s) => !isPlatform(s.name))) {
    objects.push(
      configMap(`${service.name}-settings`, service.settings ?? {}, releaseSelector(service.name)),
      deployment(service, bundle, sizing),
    );
  }
  const platform = services.filter((s) => isPlatform(s.name));
  if (platform.length > 0) {
    objects.push(
      configMap(PLATFORM_VERSIONS_CONFIG, Object.fromEntries(platform.map((s) => [s.name, s.image]))),
    );
  }
  return objects;
}
