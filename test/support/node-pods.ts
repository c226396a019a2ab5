/**
 * Reading pods on a real site node in tests: whether one is Ready, and, for a wait that should
 * give up early, what a pod that cannot run says (its container's waiting reason and the end of
 * its previous log), so a failed wait names the cause rather than only timing out.
 */
import type { V1Pod } from '@kubernetes/client-node';
import { type KubeClient, waitFor } from '@smart-fleet/kube';

export const isReady = (p: V1Pod): boolean =>
  p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;

/** The first of `pods` stuck for good (an error or back-off), described; undefined if none is. */
export async function stuckPod(client: KubeClient, pods: readonly V1Pod[]): Promise<string | undefined> {
  for (const pod of pods) {
    const waiting = pod.status?.containerStatuses?.[0]?.state?.waiting;
    if (waiting?.reason && /Err|BackOff|Invalid/.test(waiting.reason)) {
      const printed = await client.core
        .readNamespacedPodLog({
          name: pod.metadata?.name ?? '',
          namespace: pod.metadata?.namespace ?? '',
          previous: true,
        })
        .catch(() => '');
      return `${pod.metadata?.name}: ${waiting.reason}: ${waiting.message ?? ''}\n${printed.slice(-2000)}`;
    }
  }
  return undefined;
}

/** Where the pods of `namespace` stand, one line each: for a wait's timeout message. */
export async function podSummary(client: KubeClient, namespace: string): Promise<string> {
  const pods = await client.core.listNamespacedPod({ namespace }).catch(() => ({ items: [] as V1Pod[] }));
  return pods.items
    .map((p) => {
      const c = p.status?.containerStatuses?.[0]?.state;
      const state = c?.waiting?.reason ?? (c?.running ? 'Running' : c?.terminated?.reason) ?? p.status?.phase;
      const unscheduled = p.status?.conditions?.find(
        (x) => x.type === 'PodScheduled' && x.status === 'False',
      );
      return `${p.metadata?.name}: ${state}${unscheduled ? ` (${unscheduled.message})` : ''}`;
    })
    .join('; ');
}

/** The pods of `app` (app.kubernetes.io/name) in `namespace`, not terminating. */
export async function podsOf(client: KubeClient, namespace: string, app: string): Promise<V1Pod[]> {
  const listed = await client.core.listNamespacedPod({
    namespace,
    labelSelector: `app.kubernetes.io/name=${app}`,
  });
  return listed.items.filter((p) => !p.metadata?.deletionTimestamp);
}

/** The end of the log of `app`'s first pod. */
export async function logOf(client: KubeClient, namespace: string, app: string): Promise<string> {
  const [pod] = await podsOf(client, namespace, app);
  const printed = await client.core
    .readNamespacedPodLog({ name: pod?.metadata?.name ?? '', namespace })
    .catch(() => '');
  return `${app} log:\n${printed.slice(-3000)}`;
}

/**
 * Waits for `app`'s pods in `namespace` to be Ready: gives up early when one is stuck for good,
 * with the kubelet's reason, and on a timeout says where every pod stands and what `app` printed.
 */
export async function untilPodsReady(
  client: KubeClient,
  namespace: string,
  app: string,
  timeoutMs = 180000,
): Promise<V1Pod[]> {
  let why: string | undefined;
  return waitFor(
    async () => {
      const pods = await podsOf(client, namespace, app);
      why = await stuckPod(client, pods);
      return pods.length > 0 && pods.every(isReady) && pods;
    },
    { what: `${app} Ready on the node`, timeoutMs, abortReason: () => why },
  ).catch(async (error: Error) => {
    throw new Error(
      `${error.message}\npods: ${await podSummary(client, namespace)}\n${await logOf(client, namespace, app)}`,
    );
  });
}
