/**
 * The operators in the hub: their ServiceAccount and least-privilege RBAC, the DRM
 * key-encryption key, a Deployment (leader election on a Lease: every replica keeps warm caches
 * and serves agents, one reconciles), a PodDisruptionBudget, Services for metrics, the agents'
 * endpoint and the admission webhook, and the webhook's registration.
 *
 * The webhook registration is declared here, pointing at the operators' Service, rather than
 * written by each operator process at start-up (webhook-server.ts does that today, with a CA
 * made per process and a loopback URL). Reasons: with two replicas behind a Service, one CA per
 * process cannot be right for both; the API server reaches a pod through its Service, never on
 * loopback; and the operators then need no write access to admission configuration, so a
 * compromised operator cannot switch admission off. The serving certificate comes from stack
 * config (checked against the Service's name and the CA in webhook-tls.ts), mounted from a
 * Secret; `--webhook-cert-dir` makes the operators serve it (reloading it when the Secret is
 * renewed) and skip self-registration.
 *
 * The hub's published entitlement keys (public) are a ConfigMap the operators read at start and
 * hand to every site in its bundle; a new set rolls the pods (its digest is on the template).
 *
 * Agents reach either replica through the ingest Service; a standby relays their calls to the
 * leader at the address the leader advertises on the Lease (`--advertise-address`, its pod IP
 * from the downward API), so the one replica judging site health holds every heartbeat.
 */
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { ALL_KINDS, API_GROUP, API_VERSION } from '@smart-fleet/model';
import { WEBHOOK_NAME } from '@smart-fleet/operators';
import { type KubernetesVersion, podDisruptionBudget } from '../lib/api-versions.ts';
import { ENTITLEMENT_KEYS_ANNOTATION } from '../lib/entitlement-keys.ts';
import { appLabels, selectorLabels } from '../lib/labels.ts';
import { RESTRICTED_CONTAINER, RESTRICTED_POD, scratchVolume, TMP_MOUNT } from '../lib/pod-security.ts';
import { spreadAcrossNodes } from '../lib/spread-across-nodes.ts';
import { OPERATORS } from './names.ts';
import {
  OPERATORS_CLUSTER_RULES,
  OPERATORS_FLEET_NAMESPACE_RULES,
  OPERATORS_LEASE_RULES,
} from './operators-rbac.ts';
import { ServiceAccountAccess } from './service-account-access.ts';
import type { WebhookTls } from './webhook-tls.ts';

export interface OperatorsArgs {
  namespace: string;
  fleetNamespaces: string[];
  image: string;
  replicas: number;
  version: KubernetesVersion;
  /** Base64 of 32 bytes, a Pulumi secret (checked by the caller with the operators' parser). */
  kek: pulumi.Input<string>;
  kekId: string;
  webhookTls: WebhookTls;
  /** Where agents' replayed telemetry is remote-written, and how old a replay may be. */
  telemetry: { prometheusUrl?: string; replayWindow: string };
  /** The published entitlement key set (JSON, public keys) and its digest. */
  entitlementKeys: { published: string; digest: string };
}

const WEBHOOK_TLS_DIR = '/var/run/smart-fleet/webhook-tls';
const ENTITLEMENT_KEYS_DIR = '/etc/smart-fleet/entitlement-keys';
const ENTITLEMENT_KEYS_FILE = 'jwks.json';
/** package.json's `operators` script: `node operators/src/main.ts`, no node flags. */
export const OPERATORS_COMMAND = ['node', 'operators/src/main.ts'] as const;
const { ports } = OPERATORS;
/** Sized for the national fleet's informer caches (21,000 sites); the heap stays under the limit. */
const RESOURCES = {
  requests: { cpu: '250m', memory: '768Mi' },
  limits: { cpu: '2', memory: '2Gi' },
};
const HEAP_MB = 1536;

export class Operators extends pulumi.ComponentResource {
  readonly serviceAccountName: string;
  readonly deployment: k8s.apps.v1.Deployment;
  readonly metricsUrl: string;
  /** The agents' endpoint, for the Ingress. */
  readonly ingestService: k8s.core.v1.Service;

  constructor(name: string, args: OperatorsArgs, opts?: pulumi.ComponentResourceOptions) {
    super('smart:hub:Operators', name, {}, opts);
    const child = { parent: this };
    const { namespace } = args;
    const labels = appLabels(OPERATORS.name);
    const selector = selectorLabels(OPERATORS.name);
    const meta = (metaName: string) => ({ name: metaName, namespace, labels });

    const access = new ServiceAccountAccess(
      `${name}-access`,
      {
        name: OPERATORS.name,
        namespace,
        automountToken: true,
        clusterRules: OPERATORS_CLUSTER_RULES,
        perNamespace: { namespaces: args.fleetNamespaces, rules: OPERATORS_FLEET_NAMESPACE_RULES },
        inNamespace: {
          namespace,
          roleName: `${OPERATORS.name}-leader-election`,
          rules: OPERATORS_LEASE_RULES,
        },
      },
      child,
    );
    this.serviceAccountName = access.serviceAccountName;

    const kek = new k8s.core.v1.Secret(
      `${name}-kek`,
      { metadata: meta(OPERATORS.kekSecret), type: 'Opaque', stringData: { kek: args.kek } },
      child,
    );
    const entitlementKeys = new k8s.core.v1.ConfigMap(
      `${name}-entitlement-keys`,
      {
        metadata: meta(OPERATORS.entitlementKeysConfigMap),
        data: { [ENTITLEMENT_KEYS_FILE]: args.entitlementKeys.published },
      },
      child,
    );
    const webhookTls = new k8s.core.v1.Secret(
      `${name}-webhook-tls`,
      {
        metadata: meta(OPERATORS.webhookTlsSecret),
        type: 'kubernetes.io/tls',
        stringData: {
          'tls.crt': args.webhookTls.certificate,
          'tls.key': args.webhookTls.privateKey,
          'ca.crt': args.webhookTls.caCertificate,
        },
      },
      child,
    );

    this.deployment = new k8s.apps.v1.Deployment(
      `${name}-deployment`,
      {
        metadata: meta(OPERATORS.name),
        spec: {
          replicas: args.replicas,
          selector: { matchLabels: selector },
          // One at a time: a standby keeps the lease warm while the other restarts.
          strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 1 } },
          template: {
            metadata: {
              labels,
              annotations: {
                'prometheus.io/scrape': 'true',
                'prometheus.io/port': String(ports.metrics),
                'prometheus.io/path': '/metrics',
                // A new KEK id rolls the pods, which read the key from their environment.
                [`${API_GROUP}/kek-id`]: args.kekId,
                [ENTITLEMENT_KEYS_ANNOTATION]: args.entitlementKeys.digest,
              },
            },
            spec: {
              serviceAccountName: access.serviceAccount.metadata.name,
              securityContext: RESTRICTED_POD,
              affinity: spreadAcrossNodes(selector),
              containers: [operatorsContainer(args, kek)],
              volumes: [
                scratchVolume(),
                // Group-readable: the pod's fsGroup owns the files; nobody else may read the key.
                { name: 'webhook-tls', secret: { secretName: webhookTls.metadata.name, defaultMode: 0o440 } },
                { name: 'entitlement-keys', configMap: { name: entitlementKeys.metadata.name } },
              ],
            },
          },
        },
      },
      child,
    );

    podDisruptionBudget(
      `${name}-pdb`,
      { metadata: meta(OPERATORS.name), spec: { maxUnavailable: 1, selector: { matchLabels: selector } } },
      args.version,
      child,
    );

    const service = (serviceName: string, port: { name: string; port: number; targetPort: string }) =>
      new k8s.core.v1.Service(
        `${name}-${port.targetPort}`,
        {
          metadata: meta(serviceName),
          spec: { selector, ports: [{ ...port, protocol: 'TCP' }] },
        },
        child,
      );
    service(OPERATORS.metricsService, { name: 'metrics', port: ports.metrics, targetPort: 'metrics' });
    // Named http: the Ingress routes /v1 to it like any web backend.
    this.ingestService = service(OPERATORS.ingestService, { name: 'http', port: 80, targetPort: 'ingest' });
    const webhookService = service(OPERATORS.webhookService, {
      name: 'https',
      port: 443,
      targetPort: 'webhook',
    });

    new k8s.admissionregistration.v1.ValidatingWebhookConfiguration(
      `${name}-webhook`,
      {
        metadata: { name: WEBHOOK_NAME, labels },
        webhooks: [
          {
            name: WEBHOOK_NAME,
            clientConfig: {
              service: { namespace, name: webhookService.metadata.name, path: '/validate', port: 443 },
              caBundle: Buffer.from(args.webhookTls.caCertificate).toString('base64'),
            },
            // The same rules webhook-server.ts registers: every fleet kind, on create and update.
            rules: [
              {
                apiGroups: [API_GROUP],
                apiVersions: [API_VERSION],
                operations: ['CREATE', 'UPDATE'],
                resources: ALL_KINDS.map((k) => k.plural),
              },
            ],
            admissionReviewVersions: ['v1'],
            sideEffects: 'None',
            // Fail closed: while the webhook is down, fleet writes wait rather than slip past the rules.
            failurePolicy: 'Fail',
            timeoutSeconds: 5,
          },
        ],
      },
      // Registered once the webhook serves, so fleet writes are never refused for want of it.
      { ...child, dependsOn: [this.deployment] },
    );

    this.metricsUrl = `http://${OPERATORS.metricsService}.${namespace}.svc:${ports.metrics}`;
    this.registerOutputs({ serviceAccount: `${namespace}/${this.serviceAccountName}` });
  }
}

/** The KEK reaches the container by reference to the declared Secret, never as a literal. */
function operatorsContainer(args: OperatorsArgs, kek: k8s.core.v1.Secret): k8s.types.input.core.v1.Container {
  const probe = (path: string) => ({
    httpGet: { path, port: 'metrics' },
    periodSeconds: 10,
    timeoutSeconds: 3,
  });
  return {
    name: 'operators',
    image: args.image,
    // What `npm run operators` runs, from the image's working directory (the repository root).
    command: [...OPERATORS_COMMAND],
    args: [
      `--lease-namespace=${args.namespace}`,
      // Every address: probes, Services, Prometheus and the other replica reach the pod there.
      '--listen-host=0.0.0.0',
      // Kubernetes expands $(POD_IP) from the env below: where a standby relays agents' calls.
      '--advertise-address=$(POD_IP)',
      `--metrics-port=${ports.metrics}`,
      `--ingest-port=${ports.ingest}`,
      `--webhook-port=${ports.webhook}`,
      `--webhook-cert-dir=${WEBHOOK_TLS_DIR}`,
      `--entitlement-keys=${ENTITLEMENT_KEYS_DIR}/${ENTITLEMENT_KEYS_FILE}`,
      ...(args.telemetry.prometheusUrl
        ? [
            `--prometheus-url=${args.telemetry.prometheusUrl}`,
            `--replay-window=${args.telemetry.replayWindow}`,
          ]
        : []),
    ],
    env: [
      { name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
      { name: 'SMART_FLEET_DRM_KEK', valueFrom: { secretKeyRef: { name: kek.metadata.name, key: 'kek' } } },
      { name: 'SMART_FLEET_DRM_KEK_ID', value: args.kekId },
      // Sized to the memory limit (not a command-line flag: the command stays `npm run operators`'s).
      { name: 'NODE_OPTIONS', value: `--max-old-space-size=${HEAP_MB}` },
    ],
    ports: [
      { name: 'metrics', containerPort: ports.metrics, protocol: 'TCP' },
      { name: 'ingest', containerPort: ports.ingest, protocol: 'TCP' },
      { name: 'webhook', containerPort: ports.webhook, protocol: 'TCP' },
    ],
    // The first list of every fleet kind comes before the health endpoint: allow it 5 minutes.
    startupProbe: { ...probe('/healthz'), periodSeconds: 5, failureThreshold: 60 },
    livenessProbe: { ...probe('/healthz'), failureThreshold: 3 },
    readinessProbe: { ...probe('/readyz'), periodSeconds: 5, failureThreshold: 2 },
    resources: RESOURCES,
    securityContext: RESTRICTED_CONTAINER,
    volumeMounts: [
      TMP_MOUNT,
      { name: 'webhook-tls', mountPath: WEBHOOK_TLS_DIR, readOnly: true },
      { name: 'entitlement-keys', mountPath: ENTITLEMENT_KEYS_DIR, readOnly: true },
    ],
    terminationMessagePolicy: 'FallbackToLogsOnError',
  };
}
