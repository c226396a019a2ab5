/**
 * The security settings every workload of the wide-area and site programs starts from: a
 * non-root user, a read-only root filesystem, no privilege escalation, no capabilities and the
 * runtime's default seccomp profile. A workload that needs more (a device plugin) says so where
 * it departs from these, and why.
 */
import type * as k8s from '@pulumi/kubernetes';

type PodSecurityContext = k8s.types.input.core.v1.PodSecurityContext;
type SecurityContext = k8s.types.input.core.v1.SecurityContext;

/** The distroless "nonroot" user: numeric, so the kubelet can check runAsNonRoot without the image. */
export const NON_ROOT_USER = 65532;

export const RESTRICTED_POD: PodSecurityContext = {
  runAsNonRoot: true,
  runAsUser: NON_ROOT_USER,
  runAsGroup: NON_ROOT_USER,
  fsGroup: NON_ROOT_USER,
  seccompProfile: { type: 'RuntimeDefault' },
};

export const RESTRICTED_CONTAINER: SecurityContext = {
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  capabilities: { drop: ['ALL'] },
};

/** A writable scratch directory for a read-only-root container (size-limited, in the pod's memory). */
export function scratchVolume(name = 'tmp'): k8s.types.input.core.v1.Volume {
  return { name, emptyDir: { medium: 'Memory', sizeLimit: '64Mi' } };
}
