/**
 * The model's workload security settings (model/src/workload-security.ts, shared with the site
 * agent's renderer) as the Pulumi Kubernetes provider's input types.
 */
import type * as k8s from '@pulumi/kubernetes';
import { RESTRICTED_CONTAINER as CONTAINER, RESTRICTED_POD as POD, TMP_VOLUME } from '@smart-fleet/model';

export { RESTRICTED_NAMESPACE_LABELS, TMP_MOUNT } from '@smart-fleet/model';

export const RESTRICTED_POD: k8s.types.input.core.v1.PodSecurityContext = POD;
export const RESTRICTED_CONTAINER: k8s.types.input.core.v1.SecurityContext = CONTAINER;

/** A writable, memory-backed /tmp for a read-only root filesystem. */
export function scratchVolume(): k8s.types.input.core.v1.Volume {
  return TMP_VOLUME;
}
