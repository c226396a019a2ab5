/**
 * The GraphQL API in the hub: its ServiceAccount and RBAC (api-rbac.ts), the OIDC settings it
 * verifies staff tokens against, and a Deployment + Service with a HorizontalPodAutoscaler on CPU.
 * Partners are held to the shipped persisted operations; the ingress controller is the trusted
 * proxy whose X-Forwarded-For names the client for the API's per-address limits.
 *
 * The OIDC settings (issuer, audience, JWKS URL) are public by nature: the API verifies tokens
 * with the issuer's published keys and holds no client secret. So they travel in a ConfigMap
 * and reach the API's flags through environment variables ($(VAR) expansion in args), which
 * lets an issuer change without editing the Deployment's command line.
 *
 * The entitlement signing key is the one secret it holds: a Secret mounted as a file (group
 * readable by the pod's fsGroup only), read at start; a new key rolls the pods (the published
 * set's digest is on the pod template).
 */
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import type { KubernetesVersion } from '../lib/api-versions.ts';
import { ENTITLEMENT_KEYS_ANNOTATION } from '../lib/entitlement-keys.ts';
import { appLabels } from '../lib/labels.ts';
import { API_CLUSTER_RULES, API_FLEET_NAMESPACE_RULES, API_KEYS_RULES } from './api-rbac.ts';
import type { OidcSettings } from './hub-config.ts';
import { API } from './names.ts';
import { ServiceAccountAccess } from './service-account-access.ts';
import { configMapEnv, webDeployment } from './web-deployment.ts';

export interface FleetApiArgs {
  namespace: string;
  fleetNamespaces: string[];
  keysNamespace: string;
  image: string;
  oidc: OidcSettings;
  /** Where telemetry history lives, and how often it scrapes (the API pulls the latest as often). */
  telemetry: { prometheusUrl?: string; scrapeInterval: string };
  autoscaling: { minReplicas: number; maxReplicas: number; targetCpuPercent: number };
  /** Proxies whose X-Forwarded-For the API believes (the ingress controller's pods). */
  trustedProxies: string[];
  /** The private signing key (a secret), and the digest of the published set it belongs to. */
  entitlements: { signingKey: pulumi.Input<string>; digest: string };
  version: KubernetesVersion;
}

const ENTITLEMENT_KEY_DIR = '/var/run/secrets/smart-fleet/entitlements';
const ENTITLEMENT_KEY_FILE = 'signing-key.jwk';

/**
 * package.json's `api` script: `NODE_ENV=production node api/src/main.ts`, no node flags (the
 * environment variable is set on the container), from the image's working directory.
 */
export const API_COMMAND = ['node', 'api/src/main.ts'] as const;

/** The persisted operations partners are held to, shipped in the image with the code (api/README.md). */
export const API_PARTNER_OPERATIONS = 'api/operations/partner-operations.json';

/** Holds the informer-fed view of the national fleet (21,000 sites) in memory. */
const RESOURCES = { requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: '2', memory: '2Gi' } };

export class FleetApi extends pulumi.ComponentResource {
  readonly serviceAccountName: string;
  readonly deployment: k8s.apps.v1.Deployment;
  readonly service: k8s.core.v1.Service;

  constructor(name: string, args: FleetApiArgs, opts?: pulumi.ComponentResourceOptions) {
    super('smart:hub:Api', name, {}, opts);
    const child = { parent: this };
    const access = new ServiceAccountAccess(
      `${name}-access`,
      {
        name: API.name,
        namespace: args.namespace,
        automountToken: true,
        clusterRules: API_CLUSTER_RULES,
        perNamespace: { namespaces: args.fleetNamespaces, rules: API_FLEET_NAMESPACE_RULES },
        inNamespace: { namespace: args.keysNamespace, roleName: `${API.name}-keys`, rules: API_KEYS_RULES },
      },
      child,
    );
    this.serviceAccountName = access.serviceAccountName;

    const oidc = new k8s.core.v1.ConfigMap(
      `${name}-oidc`,
      {
        metadata: { name: API.oidcConfigMap, namespace: args.namespace, labels: appLabels(API.name) },
        data: {
          issuer: args.oidc.issuer,
          audience: args.oidc.audience,
          ...(args.oidc.jwksUrl ? { jwksUrl: args.oidc.jwksUrl } : {}),
        },
      },
      child,
    );

    const signingKey = new k8s.core.v1.Secret(
      `${name}-entitlement-key`,
      {
        metadata: { name: API.entitlementKeySecret, namespace: args.namespace, labels: appLabels(API.name) },
        type: 'Opaque',
        stringData: { [ENTITLEMENT_KEY_FILE]: args.entitlements.signingKey },
      },
      child,
    );

    const web = webDeployment(
      name,
      {
        name: API.name,
        namespace: args.namespace,
        autoscaling: args.autoscaling,
        serviceAccountName: access.serviceAccount.metadata.name,
        automountToken: true,
        port: API.port,
        probes: { liveness: '/health', readiness: '/readyz', startupSeconds: 300 },
        container: {
          image: args.image,
          command: [...API_COMMAND],
          args: [
            'serve',
            '--host=0.0.0.0',
            `--port=${API.port}`,
            '--oidc-issuer=$(OIDC_ISSUER)',
            '--oidc-audience=$(OIDC_AUDIENCE)',
            ...(args.oidc.jwksUrl ? ['--oidc-jwks-url=$(OIDC_JWKS_URL)'] : []),
            ...(args.telemetry.prometheusUrl
              ? [
                  `--prometheus-url=${args.telemetry.prometheusUrl}`,
                  `--scrape-interval=${args.telemetry.scrapeInterval}`,
                ]
              : []),
            `--keys-namespace=${args.keysNamespace}`,
            `--partner-operations=${API_PARTNER_OPERATIONS}`,
            `--entitlement-key=${ENTITLEMENT_KEY_DIR}/${ENTITLEMENT_KEY_FILE}`,
            ...(args.trustedProxies.length > 0 ? [`--trusted-proxies=${args.trustedProxies.join(',')}`] : []),
          ],
          env: [
            { name: 'NODE_ENV', value: 'production' },
            // Sized to the memory limit; an environment variable, so the command stays the script's.
            { name: 'NODE_OPTIONS', value: '--max-old-space-size=1536' },
            configMapEnv(oidc, 'OIDC_ISSUER', 'issuer'),
            configMapEnv(oidc, 'OIDC_AUDIENCE', 'audience'),
            ...(args.oidc.jwksUrl ? [configMapEnv(oidc, 'OIDC_JWKS_URL', 'jwksUrl')] : []),
          ],
          resources: RESOURCES,
        },
        mounts: [
          {
            volume: {
              name: 'entitlement-key',
              secret: { secretName: signingKey.metadata.name, defaultMode: 0o440 },
            },
            mountPath: ENTITLEMENT_KEY_DIR,
          },
        ],
        podAnnotations: { [ENTITLEMENT_KEYS_ANNOTATION]: args.entitlements.digest },
        version: args.version,
      },
      child,
    );
    this.deployment = web.deployment;
    this.service = web.service;

    this.registerOutputs({ serviceAccount: `${args.namespace}/${this.serviceAccountName}` });
  }
}
