/**
 * The DRM key-encryption key in a wide-area cluster: one Secret, declared once, read by both
 * parts that open content keys sealed in the hub. The license service reads it through the API
 * (its Role names it); the content-packaging CronJob mounts it read-only as a file. It is the
 * same KEK the hub's operators seal with, so the stack never holds it twice. Its name predates
 * the packager's use and stays, so existing clusters keep the Secret they have.
 */
import * as k8s from '@pulumi/kubernetes';
import type * as pulumi from '@pulumi/pulumi';
import { appLabels } from '../lib/labels.ts';
import type { PartContext } from '../lib/part-context.ts';

export const KEK_SECRET = 'drm-license-kek';
/** The Secret's keys: the KEK (base64 of 32 bytes) and the id sealed records name it by. */
export const KEK_KEY = 'kek';
export const KEK_ID_KEY = 'kek-id';

export interface DrmKekSettings {
  /** Base64 of 32 bytes, the same KEK the hub's operators seal with. */
  kek: pulumi.Input<string>;
  kekId: string;
}

export function declareDrmKekSecret(settings: DrmKekSettings, ctx: PartContext): k8s.core.v1.Secret {
  return new k8s.core.v1.Secret(
    KEK_SECRET,
    {
      metadata: { name: KEK_SECRET, namespace: ctx.namespace, labels: appLabels('drm-kek', ctx.instance) },
      type: 'Opaque',
      stringData: { [KEK_KEY]: settings.kek, [KEK_ID_KEY]: settings.kekId },
    },
    ctx.opts,
  );
}
