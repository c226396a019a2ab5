/**
 * Content packaging: a CronJob on the content-generation nodes that packages newly ingested
 * titles in the library (ffmpeg-based: segments and renditions for HLS and DASH). One pod per
 * content-generation node takes part in each run; a run never overlaps the previous one.
 */
import type * as k8s from '@pulumi/kubernetes';
import { cronJob } from '../lib/api-versions.ts';
import { imageFor } from '../lib/images.ts';
import { appLabels } from '../lib/labels.ts';
import type { PartContext } from '../lib/part-context.ts';
import { RESTRICTED_CONTAINER, RESTRICTED_POD, scratchVolume } from '../lib/pod-security.ts';
import { LIBRARY_PATH, libraryVolume } from './content-library.ts';
import { scheduledOnRole } from './node-roles.ts';

export const CONTENT_PACKAGING = 'content-packaging';

export interface PackagingSettings {
  /** Cron schedule, five fields, in the cluster's time zone. */
  schedule: string;
  /** Pods per run: one per content-generation node. */
  parallelism: number;
  /** Packaging formats, e.g. ["hls", "dash"]. */
  formats: readonly string[];
}

export function declarePackagingJobs(settings: PackagingSettings, ctx: PartContext): void {
  const labels = appLabels(CONTENT_PACKAGING, ctx.instance);
  const podSpec: k8s.types.input.core.v1.PodSpec = {
    ...scheduledOnRole('content-generation'),
    restartPolicy: 'OnFailure',
    automountServiceAccountToken: false,
    securityContext: RESTRICTED_POD,
    containers: [
      {
        name: 'packager',
        image: imageFor('packager', ctx.images),
        args: [`--library=${LIBRARY_PATH}`, `--formats=${settings.formats.join(',')}`],
        securityContext: RESTRICTED_CONTAINER,
        // ffmpeg encodes: CPU-bound, with frame buffers per rendition.
        resources: { requests: { cpu: '4', memory: '4Gi' }, limits: { cpu: '8', memory: '8Gi' } },
        volumeMounts: [
          { name: 'content-library', mountPath: LIBRARY_PATH },
          { name: 'tmp', mountPath: '/tmp' },
        ],
      },
    ],
    volumes: [libraryVolume(false), { ...scratchVolume(), emptyDir: { sizeLimit: '20Gi' } }],
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
