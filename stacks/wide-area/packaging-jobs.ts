/**
 * Content packaging: a CronJob on the content-generation nodes that packages newly ingested
 * titles in the library (ffmpeg-based: segments and renditions for HLS and DASH). One pod per
 * content-generation node takes part in each run; a run never overlaps the previous one.
 *
 * Each run is `npm run package -- --library` (services/src/packager/library-run.ts): it reads
 * every ingested title's ContentTitle and key Secret from the hub and writes the title's status
 * there, as the hub's `content-packager` ServiceAccount (the hub stack's
 * content-packager-access.ts; the operators bind their key reader Role to it). Its two
 * credentials arrive as read-only files, never as environment variables, so neither sits in the
 * process environment: the hub kubeconfig (its own Secret here, named by KUBECONFIG) and the KEK
 * (the cluster's one KEK Secret, drm-kek-secret.ts, only its `kek` key projected). The pod mounts
 * no token of this cluster: it never calls this cluster's API.
 */
import * as k8s from '@pulumi/kubernetes';
import type * as pulumi from '@pulumi/pulumi';
import { imageFor } from '@smart-fleet/model';
import { cronJob } from '../lib/api-versions.ts';
import { appLabels } from '../lib/labels.ts';
import type { PartContext } from '../lib/part-context.ts';
import { RESTRICTED_CONTAINER, RESTRICTED_POD, scratchVolume } from '../lib/pod-security.ts';
import { LIBRARY_PATH, libraryVolume } from './content-library.ts';
import { KEK_KEY } from './drm-kek-secret.ts';
import { scheduledOnRole } from './node-roles.ts';

export const CONTENT_PACKAGING = 'content-packaging';
export const PACKAGER_HUB_ACCESS_SECRET = 'content-packager-hub-access';
export const PACKAGER_KEK_DIR = '/var/run/smart-fleet/drm-kek';
export const PACKAGER_HUB_ACCESS_DIR = '/var/run/smart-fleet/hub-access';
export const PACKAGER_KEK_FILE = `${PACKAGER_KEK_DIR}/${KEK_KEY}`;
export const PACKAGER_KUBECONFIG = `${PACKAGER_HUB_ACCESS_DIR}/kubeconfig`;
/** Owner and group may read (the pod's fsGroup owns the files); nobody may write. */
const SECRET_FILE_MODE = 0o440;

export interface PackagingSettings {
  /** Cron schedule, five fields, in the cluster's time zone. */
  schedule: string;
  /** Pods per run: one per content-generation node. */
  parallelism: number;
  /** Packaging formats, e.g. ["hls", "dash"]. */
  formats: readonly string[];
  /** A kubeconfig for the hub, authenticating as the hub's `content-packager` ServiceAccount. */
  hubKubeconfig: pulumi.Input<string>;
  /** The hub namespace of the titles and their key Secrets (the inventory's). */
  hubNamespace: string;
  /** The cluster's KEK Secret, and the id the hub's sealed records name that KEK by. */
  kekSecret: k8s.core.v1.Secret;
  kekId: string;
}

function packagerContainer(settings: PackagingSettings, ctx: PartContext): k8s.types.input.core.v1.Container {
  return {
    name: 'packager',
    image: imageFor('packager', ctx.images),
    args: [
      `--library=${LIBRARY_PATH}`,
      `--formats=${settings.formats.join(',')}`,
      `--namespace=${settings.hubNamespace}`,
      `--kek-file=${PACKAGER_KEK_FILE}`,
      `--kek-id=${settings.kekId}`,
    ],
    env: [{ name: 'KUBECONFIG', value: PACKAGER_KUBECONFIG }],
    securityContext: RESTRICTED_CONTAINER,
    // ffmpeg encodes: CPU-bound, with frame buffers per rendition.
    resources: { requests: { cpu: '4', memory: '4Gi' }, limits: { cpu: '8', memory: '8Gi' } },
    volumeMounts: [
      { name: 'content-library', mountPath: LIBRARY_PATH },
      { name: 'tmp', mountPath: '/tmp' },
      { name: 'drm-kek', mountPath: PACKAGER_KEK_DIR, readOnly: true },
      { name: 'hub-access', mountPath: PACKAGER_HUB_ACCESS_DIR, readOnly: true },
    ],
  };
}

export function declarePackagingJobs(settings: PackagingSettings, ctx: PartContext): void {
  const labels = appLabels(CONTENT_PACKAGING, ctx.instance);
  const hubAccess = new k8s.core.v1.Secret(
    PACKAGER_HUB_ACCESS_SECRET,
    {
      metadata: { name: PACKAGER_HUB_ACCESS_SECRET, namespace: ctx.namespace, labels },
      type: 'Opaque',
      stringData: { kubeconfig: settings.hubKubeconfig },
    },
    ctx.opts,
  );
  const podSpec: k8s.types.input.core.v1.PodSpec = {
    ...scheduledOnRole('content-generation'),
    restartPolicy: 'OnFailure',
    automountServiceAccountToken: false,
    securityContext: RESTRICTED_POD,
    containers: [packagerContainer(settings, ctx)],
    volumes: [
      libraryVolume(false),
      { ...scratchVolume(), emptyDir: { sizeLimit: '20Gi' } },
      {
        name: 'drm-kek',
        secret: {
          secretName: settings.kekSecret.metadata.name,
          items: [{ key: KEK_KEY, path: KEK_KEY }],
          defaultMode: SECRET_FILE_MODE,
        },
      },
      {
        name: 'hub-access',
        secret: {
          secretName: hubAccess.metadata.name,
          items: [{ key: 'kubeconfig', path: 'kubeconfig' }],
          defaultMode: SECRET_FILE_MODE,
        },
      },
    ],
  };
  cronJob(
    CONTENT_PACKAGING,
    {
      metadata: { name: CONTENT_PACKAGING, namespace: ctx.namespace, labels },
      spec: {
        schedule: settings.schedule,
        concurrencyPolicy: 'Forbid',
        startingDeadlineSeconds: 300,
        successfulJobsHistoryLimit: 3,
        failedJobsHistoryLimit: 3,
        jobTemplate: {
          metadata: { labels },
          spec: {
            parallelism: settings.parallelism,
            completions: settings.parallelism,
            backoffLimit: 2,
            template: { metadata: { labels }, spec: podSpec },
          },
        },
      },
    },
    ctx.kubernetesVersion,
    ctx.opts,
  );
}
