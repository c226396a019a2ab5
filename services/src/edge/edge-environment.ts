/**
 * How the streaming edge is configured as a release pod, written once for both sides: the site
 * agent renders the pod (operators/src/agent/render.ts) with these variables and mounts, and the
 * edge's entrypoint (main.ts) takes each as its flag's default.
 */
import { LICENSE_PROXY_SERVICE, SITE_SERVICE_PORT } from '@smart-fleet/model';

/** The environment variable behind each of the edge's flags. */
export const EDGE_ENV = {
  site: 'SITE_NAME',
  plan: 'EDGE_PLAN_FILE',
  entitlementKeys: 'ENTITLEMENT_KEYS_FILE',
  /** Release settings: the tuning a release may change. */
  maxStreamsPerSubscriber: 'MAX_STREAMS_PER_SUBSCRIBER',
  fillRateMbps: 'FILL_RATE_MBPS',
  /** From the stack's site-endpoints ConfigMap. */
  licenseProxyUrl: 'LICENSE_PROXY_URL',
} as const;

/** The ConfigMaps the agent writes for the edge pod, and where the pod mounts them. */
export const EDGE_PLAN_CONFIG = {
  name: 'streaming-edge-plan',
  key: 'plan.json',
  mountPath: '/etc/smart-fleet/edge-plan',
};
export const ENTITLEMENT_KEYS_CONFIG = {
  name: 'entitlement-keys',
  key: 'jwks.json',
  mountPath: '/etc/smart-fleet/entitlement-keys',
};
/** Where the edge pod serves its readings to the site agent (edge-status-server.ts). */
export const EDGE_STATUS_PORT = { name: 'status', port: 9102 } as const;

/** The edge's own state (nginx's prefix, its fill cache, the pre-positioned titles): an emptyDir. */
export const EDGE_STATE_PATH = '/var/lib/smart-fleet';

/**
 * The license proxy's HOST:PORT from a pod's environment: the stack's LICENSE_PROXY_URL when the
 * site has one, else the address Kubernetes gives every pod for the license-proxy Service of its
 * namespace (LICENSE_PROXY_SERVICE_HOST/PORT). A URL that does not parse is passed on as it is,
 * for the edge's configuration check to refuse by name.
 */
export function licenseProxyFromEnv(env: NodeJS.ProcessEnv): string | undefined {
  const url = env[EDGE_ENV.licenseProxyUrl];
  if (url) {
    if (!URL.canParse(url)) {
      return url;
    }
    const parsed = new URL(url);
    return `${parsed.hostname}:${parsed.port || (parsed.protocol === 'https:' ? 443 : SITE_SERVICE_PORT)}`;
  }
  const link = LICENSE_PROXY_SERVICE.toUpperCase().replaceAll('-', '_');
  const host = env[`${link}_SERVICE_HOST`];
  const port = env[`${link}_SERVICE_PORT`];
  return host && port ? `${host}:${port}` : undefined;
}
