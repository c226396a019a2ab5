/**
 * A connection to a hub: the user's cluster when KUBECONFIG is set; inside a pod (the hub
 * stack's operators and API), the pod's service account; otherwise the local hub that
 * `npm start` or `npm run hub -- start` runs.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  ApiextensionsV1Api,
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  type KubernetesObject,
  KubernetesObjectApi,
  PatchStrategy,
  type RequestContext,
} from '@kubernetes/client-node';

/**
 * client-node 2.0.1 builds a new HTTP agent for every request, so every call opens a new TLS
 * connection (a full handshake with a client certificate) and leaves it open: at fleet scale
 * that halves the apply rate and piles up sockets. This keeps the first agent and reuses it, so
 * requests share a pool of keep-alive connections. Credentials here are static certificates or
 * tokens from the kubeconfig, so one agent per KubeConfig is right; in a pod, the service
 * account's token (re-read as kubelet rotates it) travels in a header, not in the agent.
 */
class PooledKubeConfig extends KubeConfig {
  #dispatcher?: ReturnType<RequestContext['getDispatcher']>;

  override async applySecurityAuthentication(context: RequestContext): Promise<void> {
    await super.applySecurityAuthentication(context);
    const made = context.getDispatcher();
    if (made) {
      this.#dispatcher ??= made;
      context.setDispatcher(this.#dispatcher);
    }
  }
}

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

export function connect(kubeconfig?: string): KubeClient {
  const kc = new PooledKubeConfig();
  if (usesInClusterConfig(kubeconfig)) {
    kc.loadFromCluster();
  } else {
    kc.loadFromFile(resolveKubeconfig(kubeconfig));
  }
  return {
    kc,
    server: kc.getCurrentCluster()?.server ?? '(unknown)',
    objects: KubernetesObjectApi.makeApiClient(kc),
    apiext: kc.makeApiClient(ApiextensionsV1Api),
    core: kc.makeApiClient(CoreV1Api),
    custom: kc.makeApiClient(CustomObjectsApi),
  };
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
