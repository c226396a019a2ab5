/**
 * Objects whose API group version depends on the target cluster's Kubernetes version. Current
 * clusters (1.25 and later) serve only policy/v1 PodDisruptionBudgets and batch/v1 CronJobs; the
 * local hub and site clusters run 1.20, which serves only the beta versions. A stack states its
 * cluster's version in `smart-fleet:kubernetesVersion` (default 1.28), and these factories pick
 * the API the cluster serves; the spec fields used here are the same in both.
 */
import * as k8s from '@pulumi/kubernetes';
import type * as pulumi from '@pulumi/pulumi';
import { type StackConfig, StackConfigError } from './config.ts';

export interface KubernetesVersion {
  major: number;
  minor: number;
}

export const DEFAULT_KUBERNETES_VERSION = '1.28';
/** The oldest cluster the stacks can target: the local hub's own kube-apiserver. */
const OLDEST_MINOR = 20;

export function kubernetesVersion(config: StackConfig): KubernetesVersion {
  const raw = config.string('kubernetesVersion', DEFAULT_KUBERNETES_VERSION);
  const match = /^v?1\.(\d+)(\.\d+)?$/.exec(raw);
  const minor = match ? Number(match[1]) : Number.NaN;
  if (!(minor >= OLDEST_MINOR)) {
    throw new StackConfigError(
      'kubernetesVersion',
      `must be a Kubernetes version 1.${OLDEST_MINOR} or later, like 1.28, not "${raw}"`,
    );
  }
  return { major: 1, minor };
}

const atLeast = (v: KubernetesVersion, minor: number) => v.minor >= minor;

type PdbArgs = k8s.policy.v1.PodDisruptionBudgetArgs & k8s.policy.v1beta1.PodDisruptionBudgetArgs;

export function podDisruptionBudget(
  name: string,
  args: PdbArgs,
  version: KubernetesVersion,
  opts?: pulumi.CustomResourceOptions,
): pulumi.CustomResource {
  return atLeast(version, 21)
    ? new k8s.policy.v1.PodDisruptionBudget(name, args, opts)
    : new k8s.policy.v1beta1.PodDisruptionBudget(name, args, opts);
}

type CronJobArgs = k8s.batch.v1.CronJobArgs & k8s.batch.v1beta1.CronJobArgs;

export function cronJob(
  name: string,
  args: CronJobArgs,
  version: KubernetesVersion,
  opts?: pulumi.CustomResourceOptions,
): pulumi.CustomResource {
  return atLeast(version, 21)
    ? new k8s.batch.v1.CronJob(name, args, opts)
    : new k8s.batch.v1beta1.CronJob(name, args, opts);
}

type HpaArgs = k8s.autoscaling.v2.HorizontalPodAutoscalerArgs &
  k8s.autoscaling.v2beta2.HorizontalPodAutoscalerArgs;

export function horizontalPodAutoscaler(
  name: string,
  args: HpaArgs,
  version: KubernetesVersion,
  opts?: pulumi.CustomResourceOptions,
): pulumi.CustomResource {
  return atLeast(version, 23)
    ? new k8s.autoscaling.v2.HorizontalPodAutoscaler(name, args, opts)
    : new k8s.autoscaling.v2beta2.HorizontalPodAutoscaler(name, args, opts);
}
