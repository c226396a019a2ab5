/**
 * Everything the hub program reads from stack config, checked where it is read: a bad or
 * missing value stops the program with a message naming its key (`smart-fleet:oidc.issuer`).
 * Secrets stay Pulumi secrets; their format is checked without printing them.
 */
import { isIP } from 'node:net';
import type * as pulumi from '@pulumi/pulumi';
import { DEFAULT_NAMESPACE, type ImageSource, parseDuration } from '@smart-fleet/model';
import { type KubernetesVersion, kubernetesVersion } from '../lib/api-versions.ts';
import { type StackConfig, StackConfigError } from '../lib/config.ts';
import { isDnsLabel, namespaceName } from '../lib/config-checks.ts';
import { KEK_CONFIG_KEY, kekProblem } from '../lib/drm-kek.ts';
import { type EntitlementKeySettings, readEntitlementKeys } from '../lib/entitlement-keys.ts';
import { imageSource } from '../lib/images.ts';
import { DEFAULT_KEYS_NAMESPACE, DEFAULT_SYSTEM_NAMESPACE, OPERATORS, serviceHost } from './names.ts';
import { readWebhookTls, type WebhookTls } from './webhook-tls.ts';

export interface OidcSettings {
  issuer: string;
  audience: string;
  jwksUrl?: string;
  /** The console's public OIDC client (authorization code with PKCE: no client secret). */
  consoleClientId: string;
}

export interface IngressSettings {
  host: string;
  className?: string;
  /** For the ingress controller or cert-manager, e.g. cert-manager.io/cluster-issuer. */
  annotations: Record<string, string>;
  tlsSecretName: string;
  /** When set, the stack makes the TLS Secret; otherwise it must exist (e.g. from cert-manager). */
  tls?: { certificate: string; key: pulumi.Output<string> };
}

export interface HubSettings {
  version: KubernetesVersion;
  images: ImageSource;
  /** Where the operators, API and console run. */
  namespace: string;
  /** Where fleet objects live; the operators get their namespaced rights only here. */
  fleetNamespaces: string[];
  operators: { replicas: number; kek: pulumi.Output<string>; kekId: string; webhookTls: WebhookTls };
  api: Autoscaling & { keysNamespace: string; trustedProxies: string[] };
  console: Autoscaling;
  /** How the API signs playback entitlements, and the public keys everything else verifies with. */
  entitlements: EntitlementKeySettings;
  oidc: OidcSettings;
  ingress: IngressSettings;
  monitoring: MonitoringSettings;
}

/**
 * The Prometheus that keeps telemetry history. The stack declares how it scrapes the operators
 * (and the storage settings and flags it needs); it does not run it. Durations are Prometheus's.
 */
export interface MonitoringSettings {
  prometheusServiceAccount?: { namespace: string; name: string };
  /** Where the API queries telemetry and the operators remote-write replays; none: no history. */
  prometheusUrl?: string;
  scrapeInterval: string;
  retention: string;
  /** The TSDB's out-of-order window: how old an agent's replayed sample may be. */
  replayWindow: string;
}

const DNS_NAME = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const KEK_ID = /^[A-Za-z0-9][-A-Za-z0-9_.]{0,62}$/;

function namespaceList(value: unknown): string | undefined {
  if (!Array.isArray(value) || value.length === 0) {
    return 'must be a non-empty list of namespace names, like ["smart-fleet"]';
  }
  const bad = value.find((v) => typeof v !== 'string' || !isDnsLabel(v));
  if (bad !== undefined) {
    return `must list Kubernetes namespace names (DNS labels); "${String(bad)}" is not one`;
  }
  return new Set(value).size === value.length ? undefined : 'lists a namespace twice';
}

/** An http(s) URL; plain http only for a loopback issuer (local development). */
function url(key: string, value: string): string {
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    throw new StackConfigError(
      key,
      `must be an absolute URL, like https://login.example.com, not "${value}"`,
    );
  }
  const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(parsed.hostname);
  if (parsed.protocol !== 'https:' && !(parsed.protocol === 'http:' && loopback)) {
    throw new StackConfigError(key, `must be an https URL (tokens are verified against it), not "${value}"`);
  }
  return value;
}

function readOidc(config: StackConfig): OidcSettings {
  const jwksUrl = config.optionalString('oidc.jwksUrl');
  return {
    issuer: url('oidc.issuer', config.string('oidc.issuer')),
    audience: config.string('oidc.audience'),
    jwksUrl: jwksUrl === undefined ? undefined : url('oidc.jwksUrl', jwksUrl),
    consoleClientId: config.string('console.oidcClientId', 'smart-fleet-console'),
  };
}

function readIngress(config: StackConfig): IngressSettings {
  const host = config.string('ingress.host');
  if (!DNS_NAME.test(host)) {
    throw new StackConfigError('ingress.host', `must be a DNS name, like fleet.example.com, not "${host}"`);
  }
  const tlsSecretName = config.string('ingress.tlsSecretName', 'smart-fleet-hub-tls');
  if (!DNS_NAME.test(tlsSecretName)) {
    throw new StackConfigError('ingress.tlsSecretName', `must be a Secret name, not "${tlsSecretName}"`);
  }
  const certificate = config.optionalString('ingress.tlsCertificate');
  const key = config.optionalCheckedSecret('ingress.tlsKey', (pem) =>
    pem.includes('PRIVATE KEY-----') ? undefined : 'is not a PEM private key',
  );
  if ((certificate === undefined) !== (key === undefined)) {
    const missing = certificate === undefined ? 'ingress.tlsCertificate' : 'ingress.tlsKey';
    throw new StackConfigError(
      missing,
      'is required with the other half of the certificate: set both ingress.tlsCertificate and ingress.tlsKey, or neither (then ingress.tlsSecretName must exist)',
    );
  }
  return {
    host,
    className: config.optionalString('ingress.className'),
    annotations: config.object<Record<string, string>>('ingress.annotations', stringMap, {}),
    tlsSecretName,
    tls: certificate && key ? { certificate, key } : undefined,
  };
}

function stringMap(value: unknown): string | undefined {
  const ok =
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    Object.values(value).every((v) => typeof v === 'string');
  return ok ? undefined : 'must be a map of annotation names to string values';
}

function duration(config: StackConfig, key: string, fallback: string): string {
  const value = config.string(key, fallback);
  try {
    parseDuration(value, key);
  } catch {
    throw new StackConfigError(key, `must be a Prometheus duration like 5s, 14h or 15d, not "${value}"`);
  }
  return value;
}

function readMonitoring(config: StackConfig): HubSettings['monitoring'] {
  const prometheusUrl = config.optionalString('monitoring.prometheusUrl');
  if (prometheusUrl !== undefined && !/^https?:\/\/[^\s/]+/.test(prometheusUrl)) {
    throw new StackConfigError('monitoring.prometheusUrl', `must be an http(s) URL, not "${prometheusUrl}"`);
  }
  const settings = {
    prometheusUrl,
    scrapeInterval: duration(config, 'monitoring.scrapeInterval', '5s'),
    retention: duration(config, 'monitoring.retention', '15d'),
    replayWindow: duration(config, 'monitoring.replayWindow', '14h'),
  };
  const key = 'monitoring.prometheusServiceAccount';
  const account = config.optionalString(key);
  if (account === undefined) {
    return settings;
  }
  const [namespace = '', name = '', ...rest] = account.split('/');
  if (rest.length > 0 || !isDnsLabel(namespace) || !DNS_NAME.test(name)) {
    throw new StackConfigError(
      key,
      `must be namespace/name of a ServiceAccount, like monitoring/prometheus, not "${account}"`,
    );
  }
  return { ...settings, prometheusServiceAccount: { namespace, name } };
}

interface Autoscaling {
  replicas: number;
  maxReplicas: number;
  targetCpuPercent: number;
}

/** `<prefix>.replicas` (the autoscaler's floor), `.maxReplicas` and `.targetCpuPercent`. */
function readAutoscaling(
  config: StackConfig,
  prefix: 'api' | 'console',
  defaults: { replicas: number; maxReplicas: number; ceiling: number },
): Autoscaling {
  const replicas = config.integer(`${prefix}.replicas`, { min: 1, max: 50, fallback: defaults.replicas });
  return {
    replicas,
    maxReplicas: config.integer(`${prefix}.maxReplicas`, {
      min: replicas,
      max: defaults.ceiling,
      fallback: Math.max(replicas, defaults.maxReplicas),
    }),
    targetCpuPercent: config.integer(`${prefix}.targetCpuPercent`, { min: 10, max: 100, fallback: 70 }),
  };
}

/**
 * The API sits behind the Ingress, so every connection comes from an ingress controller pod:
 * its per-address limits (applied before authentication) need the client address the
 * controller forwards. By default the cluster's private ranges are believed; narrow this to the
 * controller's pod range where other pods could reach the API directly.
 */
export const DEFAULT_TRUSTED_PROXIES = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fd00::/8'];

function cidrList(value: unknown): string | undefined {
  if (!Array.isArray(value)) {
    return 'must be a list of addresses or CIDR ranges, like ["10.0.0.0/8"]';
  }
  const bad = value.find((v) => {
    const [address = '', bits, ...rest] = typeof v === 'string' ? v.split('/') : [''];
    const max = isIP(address) === 6 ? 128 : 32;
    const prefix = bits === undefined ? max : Number(bits);
    return isIP(address) === 0 || rest.length > 0 || !Number.isInteger(prefix) || prefix < 0 || prefix > max;
  });
  return bad === undefined ? undefined : `"${String(bad)}" is not an address or CIDR range`;
}

function readApi(config: StackConfig): HubSettings['api'] {
  return {
    ...readAutoscaling(config, 'api', { replicas: 2, maxReplicas: 6, ceiling: 100 }),
    keysNamespace: namespaceName(config, DEFAULT_KEYS_NAMESPACE, 'api.keysNamespace'),
    trustedProxies: config.object<string[]>('api.trustedProxies', cidrList, DEFAULT_TRUSTED_PROXIES),
  };
}

/**
 * Fleet namespaces hold site credentials and DRM key Secrets the operators manage; the hub's
 * own namespace and the partner keys' must not be among them, or those rights would reach the
 * hub's own Secrets and the API's keys.
 */
function fleetNamespaces(config: StackConfig, reserved: string[]): string[] {
  const names = config.object<string[]>('fleetNamespaces', namespaceList, [DEFAULT_NAMESPACE]);
  const clash = names.find((n) => reserved.includes(n));
  if (clash) {
    throw new StackConfigError(
      'fleetNamespaces',
      `must not include ${clash}: it is the hub's own or the API keys' namespace`,
    );
  }
  return names;
}

export function readHubConfig(config: StackConfig): HubSettings {
  const namespace = namespaceName(config, DEFAULT_SYSTEM_NAMESPACE);
  const api = readApi(config);
  if (api.keysNamespace === namespace) {
    throw new StackConfigError('api.keysNamespace', `must differ from smart-fleet:namespace (${namespace})`);
  }
  const kekId = config.string('drm.kekId', 'kek-1');
  if (!KEK_ID.test(kekId)) {
    throw new StackConfigError(
      'drm.kekId',
      `must be a short identifier (letters, digits, - _ .), not "${kekId}"`,
    );
  }
  return {
    version: kubernetesVersion(config),
    images: imageSource(config),
    namespace,
    fleetNamespaces: fleetNamespaces(config, [namespace, api.keysNamespace]),
    operators: {
      replicas: config.integer('operators.replicas', { min: 1, max: 5, fallback: 2 }),
      // The operators' own parser, so the stack refuses exactly what the DRM controller would.
      kek: config.checkedSecret(KEK_CONFIG_KEY, kekProblem),
      kekId,
      webhookTls: readWebhookTls(config, serviceHost(OPERATORS.webhookService, namespace)),
    },
    api,
    // The console serves static files: two replicas for availability, a few more at a login rush.
    console: readAutoscaling(config, 'console', { replicas: 2, maxReplicas: 4, ceiling: 50 }),
    entitlements: readEntitlementKeys(config),
    oidc: readOidc(config),
    ingress: readIngress(config),
    monitoring: readMonitoring(config),
  };
}
