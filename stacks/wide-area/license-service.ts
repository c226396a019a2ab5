/**
 * The DRM license service: issues playback licenses to the local servers' license proxies.
 *
 * Where its keys come from, and who may read them (coherent with the operators' DRM keys
 * controller, operators/src/controllers/drm-keys.ts and license-service-access.ts):
 * - Content keys live in the hub, one Secret per protected title (`<title>-drm-keys`), each key
 *   sealed under the key-encryption key. The operators keep a Role, `drm-license-key-reader`,
 *   naming exactly those Secrets (`get` only) and bind it to the ServiceAccount
 *   `drm-license-service`. That Role is theirs, since only they know the names as keys are made;
 *   this stack never declares it. The license service reaches the hub as that identity with the
 *   hub credential below.
 * - In this cluster the service's own Role lets the same-named ServiceAccount `get` exactly its
 *   two DRM Secrets: the key-encryption key that opens content keys (drm-kek-secret.ts, shared
 *   with the packaging jobs), and the hub credential that fetches them. No list, no watch, no
 *   other Secret (not the packager's hub credential). It reads them through the API rather than
 *   the environment, so the KEK never sits in a process environment and a rotated one
 *   (`pulumi up`) is read without a restart.
 *
 * It verifies subscribers' entitlements with the hub's published public keys (the hub stack's
 * `entitlementKeys` output, `drm.entitlementKeys` here): a ConfigMap read at start, so a new set
 * rolls the pods (its digest is on the template).
 */
import * as k8s from '@pulumi/kubernetes';
import type * as pulumi from '@pulumi/pulumi';
import { imageFor } from '@smart-fleet/model';
import { LICENSE_SERVICE_ACCOUNT } from '@smart-fleet/operators';
import { ENTITLEMENT_KEYS_ANNOTATION, keySetDigest } from '../lib/entitlement-keys.ts';
import { appLabels, selectorLabels } from '../lib/labels.ts';
import type { PartContext } from '../lib/part-context.ts';
import { RESTRICTED_CONTAINER, RESTRICTED_POD, scratchVolume } from '../lib/pod-security.ts';
import { grantRole } from '../lib/role-binding.ts';
import { KEK_SECRET } from './drm-kek-secret.ts';
import { declareHttpService } from './http-service.ts';
import { scheduledOnRole } from './node-roles.ts';

export const LICENSE_SERVICE = 'drm-license-service';
export const HUB_ACCESS_SECRET = 'drm-license-hub-access';
export const LICENSE_PORT = 8080;

export interface LicenseServiceSettings {
  replicas: number;
  /** A kubeconfig for the hub, authenticating as the hub's `drm-license-service` ServiceAccount. */
  hubKubeconfig: pulumi.Input<string>;
  /** The hub namespace holding the content-key Secrets (the fleet's namespace). */
  hubNamespace: string;
  /** The hub's published entitlement key set (JSON, public keys only). */
  entitlementKeys: string;
}

export const ENTITLEMENT_KEYS_CONFIG_MAP = 'drm-license-entitlement-keys';

export interface LicenseServiceParts {
  serviceAccount: k8s.core.v1.ServiceAccount;
  role: k8s.rbac.v1.Role;
  deployment: k8s.apps.v1.Deployment;
  service: k8s.core.v1.Service;
}

/** The hub credential; the KEK Secret is the cluster's (drm-kek-secret.ts). */
function declareHubAccessSecret(settings: LicenseServiceSettings, ctx: PartContext): void {
  new k8s.core.v1.Secret(
    HUB_ACCESS_SECRET,
    {
      metadata: {
        name: HUB_ACCESS_SECRET,
        namespace: ctx.namespace,
        labels: appLabels(LICENSE_SERVICE, ctx.instance),
      },
      type: 'Opaque',
      stringData: { kubeconfig: settings.hubKubeconfig },
    },
    ctx.opts,
  );
}

function declareAccess(ctx: PartContext): {
  serviceAccount: k8s.core.v1.ServiceAccount;
  role: k8s.rbac.v1.Role;
} {
  const labels = appLabels(LICENSE_SERVICE, ctx.instance);
  const metadata = { name: LICENSE_SERVICE_ACCOUNT, namespace: ctx.namespace, labels };
  const serviceAccount = new k8s.core.v1.ServiceAccount(LICENSE_SERVICE_ACCOUNT, { metadata }, ctx.opts);
  const role = grantRole(
    LICENSE_SERVICE,
    {
      kind: 'Role',
      name: LICENSE_SERVICE,
      namespace: ctx.namespace,
      labels,
      rules: [
        {
          apiGroups: [''],
          resources: ['secrets'],
          verbs: ['get'],
          resourceNames: [KEK_SECRET, HUB_ACCESS_SECRET],
        },
      ],
      subjects: [{ kind: 'ServiceAccount', name: LICENSE_SERVICE_ACCOUNT, namespace: ctx.namespace }],
    },
    ctx.opts,
  );
  return { serviceAccount, role };
}

export function declareLicenseService(
  settings: LicenseServiceSettings,
  ctx: PartContext,
): LicenseServiceParts {
  const labels = appLabels(LICENSE_SERVICE, ctx.instance);
  const selector = selectorLabels(LICENSE_SERVICE, ctx.instance);
  declareHubAccessSecret(settings, ctx);
  const { serviceAccount, role } = declareAccess(ctx);
  const keys = new k8s.core.v1.ConfigMap(
    ENTITLEMENT_KEYS_CONFIG_MAP,
    {
      metadata: { name: ENTITLEMENT_KEYS_CONFIG_MAP, namespace: ctx.namespace, labels },
      data: { 'jwks.json': settings.entitlementKeys },
    },
    ctx.opts,
  );
  const digest = keySetDigest(settings.entitlementKeys);
  const deployment = new k8s.apps.v1.Deployment(
    LICENSE_SERVICE,
    {
      metadata: { name: LICENSE_SERVICE, namespace: ctx.namespace, labels },
      spec: {
        replicas: settings.replicas,
        selector: { matchLabels: selector },
        template: {
          metadata: { labels, annotations: { [ENTITLEMENT_KEYS_ANNOTATION]: digest } },
          spec: {
            ...scheduledOnRole('distribution'),
            serviceAccountName: LICENSE_SERVICE_ACCOUNT,
            securityContext: RESTRICTED_POD,
            containers: [
              {
                name: LICENSE_SERVICE,
                image: imageFor('licenseService', ctx.images),
                ports: [{ name: 'http', containerPort: LICENSE_PORT, protocol: 'TCP' }],
                env: [
                  { name: 'SMART_FLEET_DRM_KEK_SECRET', value: KEK_SECRET },
                  { name: 'SMART_FLEET_HUB_ACCESS_SECRET', value: HUB_ACCESS_SECRET },
                  { name: 'SMART_FLEET_HUB_NAMESPACE', value: settings.hubNamespace },
                  {
                    name: 'SMART_FLEET_ENTITLEMENT_JWKS',
                    valueFrom: { configMapKeyRef: { name: keys.metadata.name, key: 'jwks.json' } },
                  },
                  { name: 'POD_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
                ],
                securityContext: RESTRICTED_CONTAINER,
                resources: {
                  requests: { cpu: '250m', memory: '256Mi' },
                  limits: { cpu: '1', memory: '512Mi' },
                },
                readinessProbe: { httpGet: { path: '/readyz', port: 'http' }, periodSeconds: 5 },
                livenessProbe: {
                  httpGet: { path: '/healthz', port: 'http' },
                  initialDelaySeconds: 10,
                  periodSeconds: 10,
                },
                volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
              },
            ],
            volumes: [scratchVolume()],
          },
        },
      },
    },
    ctx.opts,
  );
  const service = declareHttpService({ name: LICENSE_SERVICE, labels, selector }, ctx);
  return { serviceAccount, role, deployment, service };
}
