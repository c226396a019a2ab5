/**
 * Publishing a title into the distribution library, as a content-generation node does: read the
 * ContentTitle (its renditions and MPEG-7 description) and its content keys from the hub (the
 * key Secret, opened with the KEK in memory only), package the mezzanine into
 * `<library>/<title>/`, write `mpeg7.xml` beside it, and record what was measured in the
 * ContentTitle's status under the packager's own field manager (sizeMB, packaging). The package is
 * built in a scratch folder inside the library and renamed into place, so an origin never serves
 * half a title; the status is written only after the rename, so it always describes files on disk.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { apiStatusCode, applyStatus, type KubeClient, objectRef, type StatusOwner } from '@smart-fleet/kube';
import { type ContentTitle, contentTitleKind, type PackagingStatus } from '@smart-fleet/model';
import type { ContentKey } from '../cenc/index.ts';
import { openContentKey } from '../drm/envelope.ts';
import { contentKeyContext, keySecretName, parseKeySecret } from '../drm/key-secret.ts';
import { writeMpeg7File } from '../mpeg7/mpeg7-writer.ts';
import type { PackageOptions } from './package-options.ts';
import { type PackageProgress, packageTitle } from './package-title.ts';
import type { PackagedTitle } from './packaged-manifest.ts';

/** The packager's part of a ContentTitle's status (operators/src/status-owners.ts lists every owner). */
export const TITLE_PACKAGING_STATUS: StatusOwner = { manager: 'packager', fields: ['sizeMB', 'packaging'] };

/** A title that cannot be published as asked: missing, without keys, or keyed in a way not packaged yet. */
export class PublishError extends Error {
  override readonly name = 'PublishError';
}

export type PublishOptions = Pick<
  PackageOptions,
  | 'formats'
  | 'segmentSeconds'
  | 'keyRotationSegments'
  | 'hlsKeyBaseUrl'
  | 'clearKeyLicenseUrl'
  | 'x264Preset'
  | 'bitrateRangeMbps'
  | 'ladder'
  | 'stepTimeoutMs'
> & {
  client: KubeClient;
  /** The hub namespace of the ContentTitle and its key Secret. */
  namespace: string;
  title: string;
  /** The mezzanine file. */
  input: string;
  /** The origin's library: the package lands in `<library>/<title>/`, replacing an earlier one. */
  library: string;
  /** Every KEK that may have sealed the title's keys, by id. */
  keks: ReadonlyMap<string, Buffer>;
  onProgress?: (progress: PackageProgress) => void;
};

export interface Published {
  dir: string;
  manifest: PackagedTitle;
  status: PackagingStatus;
}

async function readTitle(client: KubeClient, namespace: string, name: string): Promise<ContentTitle> {
  try {
    return (await client.custom.getNamespacedCustomObject(
      objectRef(contentTitleKind, { metadata: { name, namespace } }),
    )) as ContentTitle;
  } catch (error) {
    if (apiStatusCode(error) === 404) {
      throw new PublishError(`ContentTitle ${namespace}/${name} does not exist`);
    }
    throw error;
  }
}

/**
 * The title's keys for a new package: its active per-title keys, oldest first (HLS key period p
 * takes key p). Retired keys still license what was packaged under them, but nothing new is.
 */
async function titleKeys(o: PublishOptions): Promise<ContentKey[]> {
  const name = keySecretName(o.title);
  const secret = await o.client.core.readNamespacedSecret({ name, namespace: o.namespace }).catch((error) => {
    if (apiStatusCode(error) === 404) {
      throw new PublishError(
        `title ${o.namespace}/${o.title} has no key Secret ${name}: give it a drmPolicy and let the DRM key controller make its keys`,
      );
    }
    throw error;
  });
  const document = parseKeySecret(secret);
  if (document.title !== o.title) {
    throw new PublishError(
      `Secret ${o.namespace}/${name} holds the keys of ${document.title}, not ${o.title}`,
    );
  }
  const active = document.keys
    .filter((k) => k.state === 'active')
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  if (active.some((k) => k.scope === 'rendition')) {
    throw new PublishError(
      `title ${o.namespace}/${o.title} is keyed per rendition (policy ${document.policy}); the packager encrypts with per-title keys only`,
    );
  }
  if (active.length === 0) {
    throw new PublishError(`title ${o.namespace}/${o.title} has no active key to package with`);
  }
  return active.map((record) => {
    if (!record.sealed) {
      throw new PublishError(`key ${record.keyId} of ${o.title} has no sealed material`);
    }
    const context = contentKeyContext({ namespace: o.namespace, title: o.title, key: record });
    return { keyId: record.keyId, key: openContentKey({ keks: o.keks, sealed: record.sealed, context }) };
  });
}

/** What the ContentTitle's status records of a package: facts read off the files, key ids only. */
export function packagingStatus(manifest: PackagedTitle): PackagingStatus {
  const keyIds = new Set<string>();
  for (const r of manifest.renditions) {
    for (const period of r.hls?.keyPeriods ?? []) {
      keyIds.add(period.keyId);
    }
    if (r.dash) {
      keyIds.add(r.dash.keyId);
    }
  }
  return {
    packagedAt: manifest.packagedAt,
    formats: [...manifest.formats],
    durationSeconds: manifest.source.durationSeconds,
    segmentSeconds: manifest.segmentSeconds,
    keyIds: [...keyIds].sort(),
    renditions: manifest.renditions.map((r) => ({
      name: r.name,
      codec: r.codec,
      width: r.resolution.width,
      height: r.resolution.height,
      measuredMbps: r.hls?.measuredMbps ?? r.dash?.measuredMbps ?? 0,
      sizeMB: r.sizeMB,
      segments: r.hls?.segments ?? r.dash?.segments ?? 0,
    })),
  };
}

export async function publishTitle(o: PublishOptions): Promise<Published> {
  const title = await readTitle(o.client, o.namespace, o.title);
  const keys = await titleKeys(o);
  const dir = join(o.library, o.title);
  const scratch = join(o.library, `.${o.title}.partial-${randomBytes(4).toString('hex')}`);
  try {
    const manifest = await packageTitle(
      {
        input: o.input,
        outDir: scratch,
        title: o.title,
        renditions: title.spec.renditions,
        keys,
        formats: o.formats,
        segmentSeconds: o.segmentSeconds,
        keyRotationSegments: o.keyRotationSegments,
        hlsKeyBaseUrl: o.hlsKeyBaseUrl,
        clearKeyLicenseUrl: o.clearKeyLicenseUrl,
        x264Preset: o.x264Preset,
        bitrateRangeMbps: o.bitrateRangeMbps,
        ladder: o.ladder,
        stepTimeoutMs: o.stepTimeoutMs,
      },
      o.onProgress,
    );
    const status = packagingStatus(manifest);
    await writeMpeg7File(scratch, {
      mpeg7: title.spec.mpeg7,
      renditions: title.spec.renditions.map((r) => {
        const measured = manifest.renditions.find((m) => m.name === r.name);
        return { ...r, sizeMB: measured?.sizeMB ?? r.sizeMB };
      }),
      frames: Object.fromEntries(manifest.renditions.map((r) => [r.name, r.resolution])),
    });
    // The earlier package steps aside and the new one takes its name: the title is never missing.
    const earlier = `${scratch}.earlier`;
    if (existsSync(dir)) {
      renameSync(dir, earlier);
    }
    renameSync(scratch, dir);
    rmSync(earlier, { recursive: true, force: true });
    const sizeMB = manifest.renditions.reduce((sum, r) => sum + r.sizeMB, 0);
    await applyStatus(o.client, contentTitleKind, title, TITLE_PACKAGING_STATUS, {
      sizeMB,
      packaging: status,
    });
    return { dir, manifest, status };
  } finally {
    for (const key of keys) {
      key.key.fill(0);
    }
    rmSync(scratch, { recursive: true, force: true });
  }
}
