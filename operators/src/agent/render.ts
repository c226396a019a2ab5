/**
 * What a bundle becomes in the site's own cluster, pure: a namespace, the site's values, the
 * content placement, and per release service its settings and a Deployment sized from the
 * site's hardware. Every object carries the agent's label, so the agent can prune what a newer
 * bundle no longer has.
 */
import type { Bundle } from './bundle.ts';

export const SITE_NAMESPACE = 'smart-site';
export const AGENT_MANAGER = 'smart-site-agent';
export const MANAGED_LABEL = 'app.kubernetes.io/managed-by';

export interface SiteObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels: Record<string, string> };
  [field: string]: unknown;
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

function deployment(
  service: NonNullable<Bundle['release']>['spec']['services'][number],
  bundle: Bundle,
): SiteObject {
  const hw = bundle.site.spec.hardware;
  // Streaming services get the box's CPUs shared out; the rest run small.
  const cpu = service.name === 'streaming-edge' ? `${hw.cpus * 700}m` : '100m';
  const release = bundle.release?.name ?? '';
  const selector = { 'app.kubernetes.io/name': service.name };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: service.name,
      namespace: SITE_NAMESPACE,
      labels: labels({ ...selector, 'smartfleet.io/release': release }),
    },
    spec: {
      replicas: 1,
      selector: { matchLabels: selector },
      template: {
        metadata: { labels: selector },
        spec: {
          containers: [
            {
              name: service.name,
              image: service.image,
              envFrom: [{ configMapRef: { name: `${service.name}-settings` } }],
              resources: { requests: { cpu, memory: '256Mi' }, limits: { memory: '1Gi' } },
            },
          ],
        },
      },
    },
  };
}

export function renderBundle(bundle: Bundle): SiteObject[] {
  const spec = bundle.site.spec;
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
  for (const service of bundle.release?.spec.services ?? []) {
    objects.push(
      configMap(`${service.name}-settings`, service.settings ?? {}, {
        'app.kubernetes.io/name': service.name,
      }),
    );
    objects.push(deployment(service, bundle));
  }
  return objects;
}
