/**
 * The box's own disk as its claims' volumes (`storage.localPath`), for a building's single-node
 * cluster that has no storage provisioner: a StorageClass that provisions nothing and, per claim,
 * a `local` PersistentVolume in a folder of its own under that path, on the site's Node, bound to
 * that claim alone (claimRef), kept when the claim goes (Retain: the agent's state holds its
 * credential, the cache days of fills). `local` rather than `hostPath` because the kubelet gives
 * a local volume to the pod's fsGroup: the agent and the cache run as non-root. The kubelet does
 * not make the folders; the box's installer does (docs/stacks-wide-area-and-site.md).
 */
import * as k8s from '@pulumi/kubernetes';
import { appLabels } from '../lib/labels.ts';
import type { PartContext } from '../lib/part-context.ts';

export const LOCAL_STORAGE_CLASS = 'smart-local';
/** The label every kubelet puts on its Node: its name (the site's, for a building's box). */
const HOSTNAME_LABEL = 'kubernetes.io/hostname';

export interface LocalClaim {
  namespace: string;
  name: string;
  size: string;
}

/** Where a claim's volume lives on the box: one folder per claim under the root. */
export function localVolumePath(root: string, claim: Pick<LocalClaim, 'name'>): string {
  return `${root.replace(/\/+$/, '')}/${claim.name}`;
}

export function declareLocalVolumes(
  root: string,
  claims: readonly LocalClaim[],
  ctx: PartContext,
): k8s.storage.v1.StorageClass {
  const labels = appLabels('local-server', ctx.instance);
  const storageClass = new k8s.storage.v1.StorageClass(
    LOCAL_STORAGE_CLASS,
    {
      metadata: { name: LOCAL_STORAGE_CLASS, labels },
      provisioner: 'kubernetes.io/no-provisioner',
      // Bound when the pod is scheduled, as local volumes must be.
      volumeBindingMode: 'WaitForFirstConsumer',
      reclaimPolicy: 'Retain',
    },
    ctx.opts,
  );
  for (const claim of claims) {
    new k8s.core.v1.PersistentVolume(
      claim.name,
      {
        metadata: { name: claim.name, labels },
        spec: {
          capacity: { storage: claim.size },
          accessModes: ['ReadWriteOnce'],
          persistentVolumeReclaimPolicy: 'Retain',
          storageClassName: LOCAL_STORAGE_CLASS,
          claimRef: { namespace: claim.namespace, name: claim.name },
          local: { path: localVolumePath(root, claim) },
          nodeAffinity: {
            required: {
              nodeSelectorTerms: [
                { matchExpressions: [{ key: HOSTNAME_LABEL, operator: 'In', values: [ctx.instance] }] },
              ],
            },
          },
        },
      },
      { ...ctx.opts, dependsOn: [storageClass], protect: true },
    );
  }
  return storageClass;
}
