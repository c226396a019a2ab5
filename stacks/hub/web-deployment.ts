/**
 * The Deployment + Service shape the API and the console share: restricted pod security, a
 * read-only root filesystem with an in-memory /tmp, requests and limits, HTTP probes on a named
 * port, spread across nodes, a PodDisruptionBudget keeping all but one replica up, and a
 * HorizontalPodAutoscaler on CPU that owns the replica count.
 */
import * as k8s from '@pulumi/kubernetes';
import type * as pulumi from '@pulumi/pulumi';
import { horizontalPodAutoscaler, type KubernetesVersion, podDisruptionBudget } from '../lib/api-versions.ts';
import { appLabels, selectorLabels } from '../lib/labels.ts';
import { RESTRICTED_CONTAINER, RESTRICTED_POD, scratchVolume, TMP_MOUNT } from '../lib/pod-security.ts';
import { spreadAcrossNodes } from '../lib/spread-across-nodes.ts';

type Container = k8s.types.input.core.v1.Container;

export interface WebDeploymentSpec {
  name: string;
  namespace: string;
  /**
   * The autoscaler's range and CPU target. The Deployment itself names no replica count: the
   * autoscaler owns it, so a re-apply of the stack never resets what it scaled to.
   */
  autoscaling: { minReplicas: number; maxReplicas: number; targetCpuPercent: number };
  serviceAccountName: pulumi.Input<string>;
  /** Whether pods get an API token (the API does; the console never calls Kubernetes). */
  automountToken: boolean;
  port: number;
  /** Paths, and how long the first start may take (the API lists the whole fleet first). */
  probes: { liveness: string; readiness: string; startupSeconds: number };
  container: Pick<Container, 'image' | 'command' | 'args' | 'env' | 'resources'>;
  /** Volumes the container reads (a Secret or ConfigMap), each mounted read-only at its path. */
  mounts?: { volume: k8s.types.input.core.v1.Volume; mountPath: string }[];
  podAnnotations?: Record<string, string>;
  version: KubernetesVersion;
}

export interface WebDeployment {
  deployment: k8s.apps.v1.Deployment;
  service: k8s.core.v1.Service;
}

/** An environment variable read from one key of a ConfigMap the stack declares. */
export function configMapEnv(configMap: k8s.core.v1.ConfigMap, name: string, key: string) {
  return { name, valueFrom: { configMapKeyRef: { name: configMap.metadata.name, key } } };
}

export function webDeployment(
  logicalName: string,
  spec: WebDeploymentSpec,
  opts: pulumi.CustomResourceOptions,
): WebDeployment {
  const labels = appLabels(spec.name);
  const selector = selectorLabels(spec.name);
  const metadata = { name: spec.name, namespace: spec.namespace, labels };
  const probe = (path: string) => ({ httpGet: { path, port: 'http' }, periodSeconds: 10, timeoutSeconds: 3 });
  const deployment = new k8s.apps.v1.Deployment(
    `${logicalName}-deployment`,
    {
      metadata,
      spec: {
        selector: { matchLabels: selector },
        template: {
          metadata: { labels, annotations: spec.podAnnotations },
          spec: {
            serviceAccountName: spec.serviceAccountName,
            automountServiceAccountToken: spec.automountToken,
            securityContext: RESTRICTED_POD,
            affinity: spreadAcrossNodes(selector),
            containers: [
              {
                name: spec.name.replace(/^smart-fleet-/, ''),
                ...spec.container,
                ports: [{ name: 'http', containerPort: spec.port, protocol: 'TCP' }],
                startupProbe: {
                  ...probe(spec.probes.liveness),
                  periodSeconds: 5,
                  failureThreshold: Math.ceil(spec.probes.startupSeconds / 5),
                },
                livenessProbe: { ...probe(spec.probes.liveness), failureThreshold: 3 },
                readinessProbe: { ...probe(spec.probes.readiness), periodSeconds: 5, failureThreshold: 2 },
                securityContext: RESTRICTED_CONTAINER,
                volumeMounts: [
                  TMP_MOUNT,
                  ...(spec.mounts ?? []).map((m) => ({
                    name: m.volume.name,
                    mountPath: m.mountPath,
                    readOnly: true,
                  })),
                ],
                terminationMessagePolicy: 'FallbackToLogsOnError',
              },
            ],
            volumes: [scratchVolume(), ...(spec.mounts ?? []).map((m) => m.volume)],
          },
        },
      },
    },
    opts,
  );
  const service = new k8s.core.v1.Service(
    `${logicalName}-service`,
    {
      metadata,
      spec: { selector, ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }] },
    },
    opts,
  );
  podDisruptionBudget(
    `${logicalName}-pdb`,
    { metadata, spec: { maxUnavailable: 1, selector: { matchLabels: selector } } },
    spec.version,
    opts,
  );
  horizontalPodAutoscaler(
    `${logicalName}-hpa`,
    {
      metadata,
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: deployment.metadata.name },
        minReplicas: spec.autoscaling.minReplicas,
        maxReplicas: spec.autoscaling.maxReplicas,
        metrics: [
          {
            type: 'Resource',
            resource: {
              name: 'cpu',
              target: { type: 'Utilization', averageUtilization: spec.autoscaling.targetCpuPercent },
            },
          },
        ],
      },
    },
    spec.version,
    opts,
  );
  return { deployment, service };
}
