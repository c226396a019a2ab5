/**
 * The distribution origin: serves the content library to the local servers' caches (they pull
 * within their off-peak fill windows). It runs on the distribution nodes, joins every IPoIB
 * network of the fabric and requests a shared HCA, so library reads go over RDMA.
 */
import * as k8s from '@pulumi/kubernetes';
import { imageFor } from '@smart-fleet/model';
import { appLabels, selectorLabels } from '../lib/labels.ts';
import type { PartContext } from '../lib/part-context.ts';
import { RESTRICTED_CONTAINER, RESTRICTED_POD, scratchVolume } from '../lib/pod-security.ts';
import { spreadAcrossNodes } from '../lib/spread-across-nodes.ts';
import { LIBRARY_PATH, libraryVolume } from './content-library.ts';
import { declareHttpService } from './http-service.ts';
import { NETWORKS_ANNOTATION, networksAnnotation, RDMA_RESOURCE } from './infiniband-fabric.ts';
import type { IpoibNetwork } from './ipoib-plan.ts';
import { scheduledOnRole } from './node-roles.ts';

export const DISTRIBUTION_ORIGIN = 'distribution-origin';
export const ORIGIN_PORT = 8080;

export interface OriginSettings {
  replicas: number;
  networks: readonly IpoibNetwork[];
}

export function declareDistributionOrigin(
  settings: OriginSettings,
  ctx: PartContext,
): { deployment: k8s.apps.v1.Deployment; service: k8s.core.v1.Service } {
  const labels = appLabels(DISTRIBUTION_ORIGIN, ctx.instance);
  const selector = selectorLabels(DISTRIBUTION_ORIGIN, ctx.instance);
  const deployment = new k8s.apps.v1.Deployment(
    DISTRIBUTION_ORIGIN,
    {
      metadata: { name: DISTRIBUTION_ORIGIN, namespace: ctx.namespace, labels },
      spec: {
        replicas: settings.replicas,
        selector: { matchLabels: selector },
        template: {
          metadata: {
            labels,
            annotations: { [NETWORKS_ANNOTATION]: networksAnnotation(ctx.namespace, settings.networks) },
          },
          spec: {
            ...scheduledOnRole('distribution'),
            automountServiceAccountToken: false,
            securityContext: RESTRICTED_POD,
            // One origin per distribution node where there are enough nodes.
            affinity: spreadAcrossNodes(selector),
            containers: [
              {
                name: DISTRIBUTION_ORIGIN,
                image: imageFor('distributionOrigin', ctx.images),
                args: [`--library=${LIBRARY_PATH}`, `--listen=:${ORIGIN_PORT}`],
                ports: [{ name: 'http', containerPort: ORIGIN_PORT, protocol: 'TCP' }],
                securityContext: RESTRICTED_CONTAINER,
                resources: {
                  requests: { cpu: '2', memory: '4Gi', [RDMA_RESOURCE]: '1' },
                  limits: { cpu: '4', memory: '8Gi', [RDMA_RESOURCE]: '1' },
                },
                readinessProbe: { httpGet: { path: '/readyz', port: 'http' }, periodSeconds: 5 },
                livenessProbe: {
                  httpGet: { path: '/healthz', port: 'http' },
                  initialDelaySeconds: 10,
                  periodSeconds: 10,
                },
                volumeMounts: [
                  { name: 'content-library', mountPath: LIBRARY_PATH, readOnly: true },
                  { name: 'tmp', mountPath: '/tmp' },
                ],
              },
            ],
            volumes: [libraryVolume(true), scratchVolume()],
          },
        },
      },
    },
    ctx.opts,
  );
  const service = declareHttpService({ name: DISTRIBUTION_ORIGIN, labels, selector }, ctx);
  return { deployment, service };
}
