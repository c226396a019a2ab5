/**
 * What a bundle becomes in the site's own cluster, pure: the release namespace, the site's
 * values, the content placement, and per release service its settings and a Deployment. The
 * Deployments are sized by the model's site sizing (model/src/site-sizing.ts), the function the
 * LocalServer stack sizes the box and this namespace's ResourceQuota with, so a release always
 * fits what the stack left for it. The stack owns the box (the cache claim, the Services, the
 * quota, the box's endpoints); the agent owns the release. Every object here carries the agent's
 * label, so the agent can prune what a newer bundle no longer has; the stack's objects do not,
 * so they are never pruned.
 *
 * The streaming edge runs from two ConfigMaps the pod mounts: its plan (the placed titles, the
 * parents the agent was configured with, whether the fill window is open) and the hub's
 * entitlement keys, which come in the bundle. A change to either reaches the running edge through
 * the mounted files (it reads both again when they change), so a new placement, a fill window
 * opening or a rotated key restarts nothing.
 */
import { createHash } from 'node:crypto';
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
import {
  checkedKeySet,
  EDGE_ENV,
  EDGE_PLAN_CONFIG,
  EDGE_STATE_PATH,
  EDGE_STATUS_PORT,
  type EdgePlanFile,
  ENTITLEMENT_KEYS_CONFIG,
  type EntitlementKeySet,
} from '@smart-fleet/services';
import type { Bundle } from './bundle.ts';
import { edgePlan } from './site-services.ts';

export const SITE_NAMESPACE = 'smart-site';
export const AGENT_MANAGER = 'smart-site-agent';
export const MANAGED_LABEL = 'app.kubernetes.io/managed-by';

type ReleaseService = NonNullable<Bundle['release']>['spec']['services'][number];

/** What the edge pod needs that the bundle does not carry: the agent's own configuration. */
export interface EdgeInputs {
  /** The parent tier's distribution nodes (http://host:port). */
  originUrls: readonly string[];
  /** Whether pre-positioning may run now (the agent owns the off-peak window). */
  fillAllowed: boolean;
}

/** A ConfigMap holds at most 1 MiB; the plan is refused before the site's API server would. */
export const MAX_CONFIG_BYTES = 1_000_000;

export class RenderError extends Error {
  override readonly name = 'RenderError';
}

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

/** What the agent tells a service: the site it serves, and its share of the box from the sizing. */
function agentEnv(service: string, site: string, sizing: SiteSizing): { name: string; value: string }[] {
  const env = (values: Record<string, number | string>) =>
    Object.entries({ [EDGE_ENV.site]: site, ...values }).map(([name, value]) => ({
      name,
      value: String(value),
    }));
  switch (service) {
    case EDGE_SERVICE:
      return env({
        EGRESS_BUDGET_MBPS: sizing.edge.egressMbps,
        MAX_STREAMS: sizing.edge.maxStreams,
        ACCELERATORS: sizing.edge.accelerators,
        [EDGE_ENV.plan]: `${EDGE_PLAN_CONFIG.mountPath}/${EDGE_PLAN_CONFIG.key}`,
        [EDGE_ENV.entitlementKeys]: `${ENTITLEMENT_KEYS_CONFIG.mountPath}/${ENTITLEMENT_KEYS_CONFIG.key}`,
      });
    case CACHE_SERVICE:
      return env({ CACHE_DIR: SITE_CACHE_PATH, CACHE_SIZE_GB: sizing.cacheVolumeGB });
    default:
      return env({});
  }
}

/** A served service listens on the agreed port (the stack's Service targets it by name) and is probed there. */
function servedContainerParts(service: string): Record<string, unknown> {
  if (!isServed(service)) {
    return {};
  }
  return {
    ports: [
      { name: SITE_SERVICE_PORT_NAME, containerPort: SITE_CONTAINER_PORT, protocol: 'TCP' },
      // The edge's readings for this agent (release-pod-readings.ts).
      ...(service === EDGE_SERVICE
        ? [{ name: EDGE_STATUS_PORT.name, containerPort: EDGE_STATUS_PORT.port, protocol: 'TCP' }]
        : []),
    ],
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

/** The edge's mounts: its plan and the hub's keys (read-only), and a folder for its state. */
const EDGE_MOUNTS = [
  { name: 'plan', mountPath: EDGE_PLAN_CONFIG.mountPath, readOnly: true },
  { name: 'entitlement-keys', mountPath: ENTITLEMENT_KEYS_CONFIG.mountPath, readOnly: true },
  { name: 'state', mountPath: EDGE_STATE_PATH },
];
const EDGE_VOLUMES = [
  { name: 'plan', configMap: { name: EDGE_PLAN_CONFIG.name } },
  { name: 'entitlement-keys', configMap: { name: ENTITLEMENT_KEYS_CONFIG.name } },
  { name: 'state', emptyDir: {} },
];

function podSpec(service: ReleaseService, site: string, sizing: SiteSizing): Record<string, unknown> {
  const cache = service.name === CACHE_SERVICE;
  const edge = service.name === EDGE_SERVICE;
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
        env: agentEnv(service.name, site, sizing),
        ...servedContainerParts(service.name),
        securityContext: RESTRICTED_CONTAINER,
        resources: resources(releaseWorkload(sizing, service.name)),
        volumeMounts: [
          TMP_MOUNT,
          ...(cache ? [{ name: 'cache', mountPath: SITE_CACHE_PATH }] : []),
          ...(edge ? EDGE_MOUNTS : []),
        ],
      },
    ],
    volumes: [
      TMP_VOLUME,
      ...(edge ? EDGE_VOLUMES : []),
      // The stack's claim: the cache outlives every release.
      ...(cache ? [{ name: 'cache', persistentVolumeClaim: { claimName: SITE_CACHE_CLAIM } }] : []),
    ],
  };
}

export const SETTINGS_DIGEST_ANNOTATION = 'smartfleet.io/settings-digest';

function settingsDigest(service: ReleaseService): string {
  const sorted = Object.entries(service.settings ?? {}).sort(([a], [b]) => (a < b ? -1 : 1));
  return createHash('sha256').update(JSON.stringify(sorted)).digest('hex').slice(0, 16);
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
      template: {
        // The settings reach the pods as environment, read once at start: a change of them alone
        // must replace the pods too, so their digest is part of the template.
        metadata: {
          labels: selector,
          annotations: { [SETTINGS_DIGEST_ANNOTATION]: settingsDigest(service) },
        },
        spec: podSpec(service, bundle.site.name, sizing),
      },
    },
  };
}

/** The edge's two ConfigMaps; each refused here, named, when it would not fit in one. */
function edgeConfigMaps(bundle: Bundle, sizing: SiteSizing, inputs: EdgeInputs | undefined): SiteObject[] {
  const release = `release ${bundle.release?.name} runs a ${EDGE_SERVICE}`;
  if (!inputs || inputs.originUrls.length === 0) {
    throw new RenderError(`${release}, but this agent was started without the edge's origins (--origin)`);
  }
  if (!bundle.entitlementKeys) {
    throw new RenderError(
      `${release}, but the hub gave no entitlement keys to admit sessions with (its operators run without --entitlement-keys)`,
    );
  }
  let keys: EntitlementKeySet;
  try {
    keys = checkedKeySet(bundle.entitlementKeys);
  } catch (error) {
    throw new RenderError(
      `${release}, but the hub's entitlement keys are refused: ${(error as Error).message}`,
    );
  }
  // Each replica admits within its own share of the site's egress.
  const plan: EdgePlanFile = {
    ...edgePlan(bundle, inputs.originUrls),
    egressBudgetMbps: sizing.edge.egressMbps,
    fillAllowed: inputs.fillAllowed,
  };
  const files = [
    [EDGE_PLAN_CONFIG, JSON.stringify(plan)],
    [ENTITLEMENT_KEYS_CONFIG, JSON.stringify(keys)],
  ] as const;
  return files.map(([config, text]) => {
    if (Buffer.byteLength(text) > MAX_CONFIG_BYTES) {
      throw new RenderError(
        `the edge's ${config.key} is ${Buffer.byteLength(text)} bytes; a ConfigMap holds at most ${MAX_CONFIG_BYTES}`,
      );
    }
    return configMap(config.name, { [config.key]: text }, releaseSelector(EDGE_SERVICE));
  });
}

/**
 * The site's objects for a bundle, in the order they are applied (each ConfigMap before the
 * Deployment that reads it). `edge` is required when the release runs a streaming edge.
 */
export function renderBundle(bundle: Bundle, edge?: EdgeInputs): SiteObject[] {
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
      ...(service.name === EDGE_SERVICE ? edgeConfigMaps(bundle, sizing, edge) : []),
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
