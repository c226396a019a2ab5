/**
 * The security settings every workload the project deploys starts from, written once for the
 * two places that render workloads: the Pulumi stacks and the site agent's release renderer.
 * They meet the Kubernetes "restricted" Pod Security Standard (non-root, no privilege escalation,
 * every capability dropped, the runtime's default seccomp profile) and add a read-only root
 * filesystem, with a small in-memory /tmp for what Node and openssl write there. A workload that
 * needs more (a device plugin) says so where it departs from these, and why.
 */

/** The distroless "nonroot" user: numeric, so the kubelet can check runAsNonRoot without the image. */
export const NON_ROOT_USER = 65532;

export const RESTRICTED_POD = {
  runAsNonRoot: true,
  runAsUser: NON_ROOT_USER,
  runAsGroup: NON_ROOT_USER,
  fsGroup: NON_ROOT_USER,
  seccompProfile: { type: 'RuntimeDefault' },
};

export const RESTRICTED_CONTAINER = {
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  capabilities: { drop: ['ALL'] },
};

/** A namespace whose pods must meet the restricted standard (enforced from Kubernetes 1.23). */
export const RESTRICTED_NAMESPACE_LABELS = {
  'pod-security.kubernetes.io/enforce': 'restricted',
  'pod-security.kubernetes.io/audit': 'restricted',
  'pod-security.kubernetes.io/warn': 'restricted',
};

/** A writable scratch directory for a read-only-root container (size-limited, in the pod's memory). */
export const TMP_VOLUME = { name: 'tmp', emptyDir: { medium: 'Memory', sizeLimit: '64Mi' } };
export const TMP_MOUNT = { name: 'tmp', mountPath: '/tmp' };
