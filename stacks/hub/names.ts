/**
 * Names and ports of what the hub stack runs, in one place: components, their wiring and the
 * tests all refer to these, so a Service and the Deployment it selects cannot drift apart.
 */
export const DEFAULT_SYSTEM_NAMESPACE = 'smart-fleet-system';
/** Partner API keys live apart from the fleet, so the API never needs to read fleet Secrets. */
export const DEFAULT_KEYS_NAMESPACE = 'smart-fleet-api-keys';

export const OPERATORS = {
  name: 'smart-fleet-operators',
  /** /metrics (the sites' telemetry among them, for Prometheus), /healthz, /readyz. */
  metricsService: 'smart-fleet-operators-metrics',
  /** The agents' register/bundle/heartbeat endpoint, reached through the Ingress. */
  ingestService: 'smart-fleet-operators-ingest',
  webhookService: 'smart-fleet-operators-webhook',
  kekSecret: 'smart-fleet-drm-kek',
  /** The published entitlement keys (public), handed to every site in its bundle. */
  entitlementKeysConfigMap: 'smart-fleet-entitlement-keys',
  webhookTlsSecret: 'smart-fleet-operators-webhook-tls',
  ports: { metrics: 9464, ingest: 9465, webhook: 9443 },
} as const;

export const API = {
  name: 'smart-fleet-api',
  oidcConfigMap: 'smart-fleet-api-oidc',
  /** The private key the API signs entitlements with. */
  entitlementKeySecret: 'smart-fleet-entitlement-signing-key',
  port: 8080,
} as const;

export const CONSOLE = {
  name: 'smart-fleet-console',
  configMap: 'smart-fleet-console',
  port: 8080,
} as const;

export const INGRESS_NAME = 'smart-fleet-hub';
export const SCRAPE_CONFIG_MAP = 'smart-fleet-prometheus-scrape';

/** Cluster-scoped RBAC names carry the hub's namespace, so two hubs (or tests) never collide. */
export const clusterScopedName = (namespace: string, role: string) => `${namespace}:${role}`;

/** The in-cluster DNS name of a Service. */
export const serviceHost = (name: string, namespace: string) => `${name}.${namespace}.svc`;
