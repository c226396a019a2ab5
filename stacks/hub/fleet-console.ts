/**
 * The admin console (react-admin, served as static files): a Deployment + Service with a
 * HorizontalPodAutoscaler, and the
 * settings the browser app needs, which are all public (the API's URL, the OIDC issuer and the
 * console's public client id: the browser signs in with PKCE, so there is no client secret).
 * Its ServiceAccount has no rights and no token: the console talks to the GraphQL API, never to
 * Kubernetes.
 */
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import type { KubernetesVersion } from '../lib/api-versions.ts';
import { appLabels } from '../lib/labels.ts';
import { CONSOLE } from './names.ts';
import { ServiceAccountAccess } from './service-account-access.ts';
import { configMapEnv, webDeployment } from './web-deployment.ts';

export interface FleetConsoleArgs {
  namespace: string;
  image: string;
  autoscaling: { minReplicas: number; maxReplicas: number; targetCpuPercent: number };
  apiUrl: string;
  oidcIssuer: string;
  oidcClientId: string;
  version: KubernetesVersion;
}

export class FleetConsole extends pulumi.ComponentResource {
  readonly deployment: k8s.apps.v1.Deployment;
  readonly service: k8s.core.v1.Service;

  constructor(name: string, args: FleetConsoleArgs, opts?: pulumi.ComponentResourceOptions) {
    super('smart:hub:Console', name, {}, opts);
    const child = { parent: this };
    const access = new ServiceAccountAccess(
      `${name}-access`,
      { name: CONSOLE.name, namespace: args.namespace, automountToken: false },
      child,
    );
    const settings = new k8s.core.v1.ConfigMap(
      `${name}-settings`,
      {
        metadata: { name: CONSOLE.configMap, namespace: args.namespace, labels: appLabels(CONSOLE.name) },
        data: { apiUrl: args.apiUrl, oidcIssuer: args.oidcIssuer, oidcClientId: args.oidcClientId },
      },
      child,
    );
    const web = webDeployment(
      name,
      {
        name: CONSOLE.name,
        namespace: args.namespace,
        autoscaling: args.autoscaling,
        serviceAccountName: access.serviceAccount.metadata.name,
        automountToken: false,
        port: CONSOLE.port,
        probes: { liveness: '/', readiness: '/', startupSeconds: 30 },
        container: {
          image: args.image,
          env: [
            configMapEnv(settings, 'SMART_FLEET_API_URL', 'apiUrl'),
            configMapEnv(settings, 'SMART_FLEET_OIDC_ISSUER', 'oidcIssuer'),
            configMapEnv(settings, 'SMART_FLEET_OIDC_CLIENT_ID', 'oidcClientId'),
          ],
          resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: '500m', memory: '256Mi' } },
        },
        version: args.version,
      },
      child,
    );
    this.deployment = web.deployment;
    this.service = web.service;
    this.registerOutputs({});
  }
}
