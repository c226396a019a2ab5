/**
 * The content library: the cluster's bulk storage, sized from the model's `spec.storageTB`, as
 * one shared (ReadWriteMany) claim on the storage class the storage-management nodes serve
 * (a parallel or IP-storage file system whose daemons tolerate the storage-management taint).
 * Packaging jobs write packaged titles into it; the distribution origin reads them.
 */
import * as k8s from '@pulumi/kubernetes';
import { appLabels } from '../lib/labels.ts';
import type { PartContext } from '../lib/part-context.ts';

export const CONTENT_LIBRARY = 'content-library';
/** Where workloads mount the library. */
export const LIBRARY_PATH = '/srv/content';

export interface ContentLibrarySettings {
  storageTB: number;
  storageClass: string;
}

/** Kubernetes' decimal `T` is the model's terabyte (10^12 bytes). */
export function librarySize(storageTB: number): string {
  return `${storageTB}T`;
}

export function declareContentLibrary(
  settings: ContentLibrarySettings,
  ctx: PartContext,
): k8s.core.v1.PersistentVolumeClaim {
  return new k8s.core.v1.PersistentVolumeClaim(
    CONTENT_LIBRARY,
    {
      metadata: {
        name: CONTENT_LIBRARY,
        namespace: ctx.namespace,
        labels: appLabels(CONTENT_LIBRARY, ctx.instance),
      },
      spec: {
        accessModes: ['ReadWriteMany'],
        storageClassName: settings.storageClass,
        resources: { requests: { storage: librarySize(settings.storageTB) } },
      },
    },
    // Deleting the stack must never take the library with it.
    { ...ctx.opts, protect: true },
  );
}

/** The pod volume for the library; readers mount it read-only. */
export function libraryVolume(readOnly: boolean): k8s.types.input.core.v1.Volume {
  return { name: CONTENT_LIBRARY, persistentVolumeClaim: { claimName: CONTENT_LIBRARY, readOnly } };
}
