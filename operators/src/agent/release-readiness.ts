/**
 * Does the release the agent applied run? Judged, pure, from what the site's cluster says of its
 * Deployments and their pods, never from the API server having accepted the manifests:
 *   ready        every Deployment has rolled out its current template and all its replicas are
 *                Ready (their readiness probes pass)
 *   failed       a pod cannot start, with the reason the kubelet or the scheduler gives: the image
 *                cannot be had (ImagePullBackOff, ErrImageNeverPull...), it keeps exiting
 *                (CrashLoopBackOff, with its exit code), its container could not be made for
 *                RETRY_GRACE_MS (CreateContainerConfigError, CreateContainerError), it has fit on
 *                no node for as long (Unschedulable, with the scheduler's message naming the
 *                resource), the quota refused it, or the Deployment's own progress deadline passed
 *   progressing  anything else: pods are being made, pulled, started or probed
 */
import type { V1Deployment, V1Pod } from '@kubernetes/client-node';

export type ReleaseReadiness =
  | { state: 'ready' }
  | { state: 'progressing'; message: string }
  | { state: 'failed'; reason: string; message: string };

/**
 * How long a pod may fit on no node before the release fails for it. The scheduler retries, and a
 * short wait is normal: a device plugin's cards reach the node's allocatable a moment after it
 * registers, and the previous release's pods free their share as they terminate.
 */
export const UNSCHEDULABLE_GRACE_MS = 30_000;
/**
 * How long a pod's container may fail to be made before the release fails for it. The kubelet
 * retries on every sync, and these clear as often as not: a ConfigMap the agent applied with the
 * Deployment reaches the kubelet's cache a moment later ("failed to sync configmap cache", seen
 * on a loaded node), a container name is still held by the one before. A permanent cause (a
 * missing key, a root image under runAsNonRoot) still fails the release, with its message.
 */
export const RETRY_GRACE_MS = UNSCHEDULABLE_GRACE_MS;

/** Container waiting reasons that will not clear by themselves. */
const STUCK_WAITING = new Set([
  'ImagePullBackOff',
  'ErrImagePull',
  'ErrImageNeverPull',
  'InvalidImageName',
  'CrashLoopBackOff',
]);
/** Container waiting reasons the kubelet retries, which often clear: failed after RETRY_GRACE_MS. */
const RETRIED_WAITING = new Set(['CreateContainerConfigError', 'CreateContainerError']);

const matches = (selector: Record<string, string>, labels: Record<string, string> = {}) =>
  Object.entries(selector).every(([k, v]) => labels[k] === v);

type Failure = { reason: string; message: string };
type ContainerStatus = NonNullable<NonNullable<V1Pod['status']>['containerStatuses']>[number];

/** `waitingFor`: how long the pod has been trying (since the kubelet took it up). */
function containerFailure(pod: string, c: ContainerStatus, waitingFor: number): Failure | undefined {
  const waiting = c.state?.waiting;
  const stuck =
    waiting?.reason !== undefined &&
    (STUCK_WAITING.has(waiting.reason) ||
      (RETRIED_WAITING.has(waiting.reason) && waitingFor >= RETRY_GRACE_MS));
  if (!stuck || !waiting?.reason) {
    return undefined;
  }
  const exited = c.lastState?.terminated;
  const detail = waiting.message ? `: ${waiting.message}` : '';
  const exit = exited
    ? `; it last exited with code ${exited.exitCode}${exited.reason ? ` (${exited.reason})` : ''}`
    : '';
  return {
    reason: waiting.reason,
    message: `pod ${pod}, container ${c.name}: ${waiting.reason}${detail}${exit}`,
  };
}

function podFailure(pod: V1Pod, now: number): Failure | undefined {
  const name = pod.metadata?.name ?? '?';
  const started = pod.status?.startTime ? new Date(pod.status.startTime).getTime() : now;
  for (const c of pod.status?.containerStatuses ?? []) {
    const failure = containerFailure(name, c, now - started);
    if (failure) {
      return failure;
    }
  }
  const scheduled = pod.status?.conditions?.find((c) => c.type === 'PodScheduled');
  // Since when it has fit nowhere: the condition's transition (unknown: from now on).
  const since = scheduled?.lastTransitionTime ? new Date(scheduled.lastTransitionTime).getTime() : now;
  return scheduled?.status === 'False' &&
    scheduled.reason === 'Unschedulable' &&
    now - since >= UNSCHEDULABLE_GRACE_MS
    ? {
        reason: 'Unschedulable',
        message:
          `pod ${name} fits on no node (for ${Math.round((now - since) / 1000)} s): ${scheduled.message ?? ''}`.trim(),
      }
    : undefined;
}

function deploymentFailure(d: V1Deployment): Failure | undefined {
  const name = d.metadata?.name ?? '?';
  for (const c of d.status?.conditions ?? []) {
    if (c.type === 'ReplicaFailure' && c.status === 'True') {
      return {
        reason: c.reason ?? 'ReplicaFailure',
        message: `deployment ${name}: ${c.message ?? c.reason}`,
      };
    }
    if (c.type === 'Progressing' && c.status === 'False' && c.reason === 'ProgressDeadlineExceeded') {
      return { reason: 'ProgressDeadlineExceeded', message: `deployment ${name}: ${c.message ?? c.reason}` };
    }
  }
  return undefined;
}

function rolledOut(d: V1Deployment): boolean {
  const want = d.spec?.replicas ?? 1;
  const s = d.status;
  return (
    (s?.observedGeneration ?? 0) >= (d.metadata?.generation ?? 1) &&
    (s?.updatedReplicas ?? 0) === want &&
    (s?.readyReplicas ?? 0) === want &&
    (s?.availableReplicas ?? 0) === want &&
    (s?.replicas ?? 0) === want
  );
}

/** Why `d` or one of its current pods cannot run, if something says so. */
function serviceFailure(d: V1Deployment, pods: readonly V1Pod[], now: number): Failure | undefined {
  const selector = d.spec?.selector?.matchLabels ?? {};
  // Terminating pods are the template being replaced (the release's Deployments recreate:
  // the old pods are deleted before new ones start), so a crash of the old never fails the new.
  const current = pods.filter((p) => !p.metadata?.deletionTimestamp && matches(selector, p.metadata?.labels));
  return deploymentFailure(d) ?? current.map((p) => podFailure(p, now)).find((f) => f !== undefined);
}

/** Judges `deployments` (the release's) from their status and the pods of the same namespace, at `now` (ms). */
export function judgeRelease(
  deployments: readonly V1Deployment[],
  pods: readonly V1Pod[],
  now = Date.now(),
): ReleaseReadiness {
  const byName = [...deployments].sort((a, b) =>
    (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? ''),
  );
  for (const d of byName) {
    const failure = serviceFailure(d, pods, now);
    if (failure) {
      return { state: 'failed', ...failure };
    }
  }
  const waiting = byName
    .filter((d) => !rolledOut(d))
    .map((d) => `${d.metadata?.name}: ${d.status?.readyReplicas ?? 0}/${d.spec?.replicas ?? 1} ready`);
  return waiting.length === 0 ? { state: 'ready' } : { state: 'progressing', message: waiting.join(', ') };
}
