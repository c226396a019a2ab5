/**
 * A connection to a hub: the user's cluster when KUBECONFIG is set; inside a pod (the hub
 * stack's operators and API), the pod's service account; otherwise the local hub that
 * `npm start` or `npm run hub -- start` runs. Every call on a connection has a deadline.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  ApiextensionsV1Api,
  CoreV1Api,
  CustomObjectsApi,
  type KubeConfig,
  type KubernetesObject,
  KubernetesObjectApi,
  PatchStrategy,
} from '@kubernetes/client-node';
import { PooledKubeConfig, type RequestGuard } from './connection.ts';
import { checkedTimeoutMs, DEFAULT_REQUEST_TIMEOUT_MS } from './request-timeout.ts';

export type { RequestGuard } from './connection.ts';

/**
 * Where `npm start` and `npm run hub` keep the local hub (its kubeconfig is the default
 * connection): the repository's `.hub/`, or $SMART_FLEET_HUB_DIR.
 */
export const DEFAULT_HUB_DIR =
  process.env.SMART_FLEET_HUB_DIR ??
  fileURLToPath(new URL('../../.hub/', import.meta.url)).replace(/\/$/, '');

export interface KubeClient {
  kc: KubeConfig;
  server: string;
  objects: KubernetesObjectApi;
  apiext: ApiextensionsV1Api;
  core: CoreV1Api;
  custom: CustomObjectsApi;
}

export function resolveKubeconfig(explicit?: string): string {
  const path = explicit ?? process.env.KUBECONFIG ?? join(DEFAULT_HUB_DIR, 'kubeconfig');
  if (!existsSync(path)) {
    throw new Error(
      `no kubeconfig at ${path}: start the local hub (npm start, or npm run hub -- start) or set KUBECONFIG to your cluster's`,
    );
  }
  return path;
}

/**
 * In a pod, with no kubeconfig named (neither an explicit path nor KUBECONFIG), the client uses
 * the pod's service account, as client-go does; a named kubeconfig always wins.
 */
export function usesInClusterConfig(explicit?: string, env: NodeJS.ProcessEnv = process.env): boolean {
  return explicit === undefined && !env.KUBECONFIG && Boolean(env.KUBERNETES_SERVICE_HOST);
}

export interface ConnectionOptions {
  /**
   * How long any call but a watch may take before it is aborted with a RequestTimeoutError
   * (default 10 s); one call can ask for another with `withTimeout`.
   */
  requestTimeoutMs?: number;
}

function clientFor(kc: PooledKubeConfig): KubeClient {
  return {
    kc,
    server: kc.getCurrentCluster()?.server ?? '(unknown)',
    objects: KubernetesObjectApi.makeApiClient(kc),
    apiext: kc.makeApiClient(ApiextensionsV1Api),
    core: kc.makeApiClient(CoreV1Api),
    custom: kc.makeApiClient(CustomObjectsApi),
  };
}

export function connect(kubeconfig?: string, options: ConnectionOptions = {}): KubeClient {
  const requestTimeoutMs = checkedTimeoutMs(
    options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
    'requestTimeoutMs',
  );
  const kc = new PooledKubeConfig({ pool: {}, requestTimeoutMs });
  if (usesInClusterConfig(kubeconfig)) {
    kc.loadFromCluster();
  } else {
    kc.loadFromFile(resolveKubeconfig(kubeconfig));
  }
  return clientFor(kc);
}

/**
 * The same connection (cluster, credentials, pooled sockets, timeout) with `guard` run before
 * each of its requests: what a deposed leader's controllers write through (leader-fence.ts).
 */
export function guardedClient(client: KubeClient, guard: RequestGuard): KubeClient {
  const base = client.kc;
  const settings =
    base instanceof PooledKubeConfig
      ? base.settings
      : { pool: {}, requestTimeoutMs: DEFAULT_REQUEST_TIMEOUT_MS };
  const kc = new PooledKubeConfig({ ...settings, guard });
  kc.loadFromOptions({
    clusters: base.clusters,
    users: base.users,
    contexts: base.contexts,
    currentContext: base.currentContext,
  });
  return clientFor(kc);
}

export interface ApplyCall {
  fieldManager: string;
  dryRun?: boolean;
  /** Take over fields another manager owns (what `kubectl apply --server-side --force-conflicts` does). */
  force?: boolean;
}

/** Server-side apply of one object; named options instead of client-node's positional ones. */
export function serverSideApply<T extends KubernetesObject>(
  client: KubeClient,
  object: T,
  call: ApplyCall,
): Promise<T> {
  return client.objects.patch(
    object,
    undefined,
    call.dryRun ? 'All' : undefined,
    call.fieldManager,
    call.force ?? false,
    PatchStrategy.ServerSideApply,
  );
}
