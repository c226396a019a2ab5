/**
 * A connection to a hub: the user's cluster when KUBECONFIG is set, otherwise the local hub
 * that `npm start` or `npm run hub -- start` runs.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  ApiException,
  ApiextensionsV1Api,
  CoreV1Api,
  KubeConfig,
  type KubernetesObject,
  KubernetesObjectApi,
  PatchStrategy,
} from '@kubernetes/client-node';
import { DEFAULT_HUB_DIR } from './local-hub.ts';

export interface HubClient {
  kc: KubeConfig;
  server: string;
  objects: KubernetesObjectApi;
  apiext: ApiextensionsV1Api;
  core: CoreV1Api;
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

export function connect(kubeconfig?: string): HubClient {
  const kc = new KubeConfig();
  kc.loadFromFile(resolveKubeconfig(kubeconfig));
  return {
    kc,
    server: kc.getCurrentCluster()?.server ?? '(unknown)',
    objects: KubernetesObjectApi.makeApiClient(kc),
    apiext: kc.makeApiClient(ApiextensionsV1Api),
    core: kc.makeApiClient(CoreV1Api),
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
  client: HubClient,
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

/** The API server's own words for a refused request ("Site ... is invalid: spec.x: ..."). */
export function apiErrorMessage(error: unknown): string {
  if (error instanceof ApiException) {
    try {
      const body = JSON.parse(String(error.body)) as { message?: string };
      return body.message ?? `HTTP ${error.code}`;
    } catch {
      return `HTTP ${error.code}: ${String(error.body).slice(0, 500)}`;
    }
  }
  return error instanceof Error ? error.message : String(error);
}

export function apiStatusCode(error: unknown): number | undefined {
  return error instanceof ApiException ? error.code : undefined;
}
