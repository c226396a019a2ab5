/**
 * One packaging run over the library, as the wide-area stack's content-packaging CronJob makes
 * it (`npm run package -- --library DIR`): every mezzanine dropped into `<library>/ingest/`
 * (named after its ContentTitle: `<title>.mp4`, `.mov`, `.mkv`, `.mxf`, `.ts`) is published
 * unless the library already holds a current package of it: one the title's status records,
 * under keys its Secret has not revoked. One title failing does not stop the others; the run
 * reports what it did with each.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import type { KubeClient } from '@smart-fleet/kube';
import { apiStatusCode, objectRef } from '@smart-fleet/kube';
import { type ContentTitle, contentTitleKind, NAME_PATTERN } from '@smart-fleet/model';
import { keySecretName, parseKeySecret } from '../drm/key-secret.ts';
import type { PackageProgress } from './package-title.ts';
import { MANIFEST_FILE, type PackagedTitle } from './packaged-manifest.ts';
import { type PublishOptions, publishTitle } from './publish-title.ts';

export const INGEST_DIR = 'ingest';
export const MEZZANINE_EXTENSIONS = ['.mp4', '.mov', '.mkv', '.mxf', '.ts'] as const;
/** Files looked at in one run; the rest wait for the next. */
export const MAX_INGEST_FILES = 1000;
const NAME = new RegExp(NAME_PATTERN);

export type LibraryRunOptions = Omit<PublishOptions, 'title' | 'input' | 'onProgress'> & {
  /** Only this title's mezzanine, if given. */
  only?: string;
  say: (line: string) => void;
  onProgress?: (title: string, progress: PackageProgress) => void;
};

export interface LibraryRun {
  published: string[];
  current: string[];
  skipped: { file: string; reason: string }[];
  failed: { title: string; error: string }[];
}

/**
 * Whether `<library>/<title>` is the package the title's status records, under keys still live:
 * then packaging it again would only spend encoder hours.
 */
export async function packageIsCurrent(o: {
  client: KubeClient;
  namespace: string;
  library: string;
  title: string;
}): Promise<boolean> {
  const manifestFile = join(o.library, o.title, MANIFEST_FILE);
  if (!existsSync(manifestFile)) {
    return false;
  }
  const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as PackagedTitle;
  const title = (await o.client.custom.getNamespacedCustomObject(
    objectRef(contentTitleKind, { metadata: { name: o.title, namespace: o.namespace } }),
  )) as ContentTitle;
  const packaging = title.status?.packaging;
  if (packaging?.packagedAt !== manifest.packagedAt) {
    return false;
  }
  const secret = await o.client.core.readNamespacedSecret({
    name: keySecretName(o.title),
    namespace: o.namespace,
  });
  const live = new Set(
    parseKeySecret(secret)
      .keys.filter((k) => k.state !== 'revoked')
      .map((k) => k.keyId),
  );
  return packaging.keyIds.every((id) => live.has(id));
}

/** The mezzanines waiting in the ingest folder, by title; files that name no title are skipped. */
function ingested(library: string, run: LibraryRun, only?: string): Map<string, string> {
  const dir = join(library, INGEST_DIR);
  const found = new Map<string, string>();
  if (!existsSync(dir)) {
    return found;
  }
  for (const file of readdirSync(dir).sort().slice(0, MAX_INGEST_FILES)) {
    const ext = extname(file).toLowerCase();
    const title = file.slice(0, file.length - ext.length);
    if (!(MEZZANINE_EXTENSIONS as readonly string[]).includes(ext)) {
      run.skipped.push({ file, reason: `not a mezzanine (${MEZZANINE_EXTENSIONS.join(', ')})` });
    } else if (title.length > 63 || !NAME.test(title)) {
      run.skipped.push({ file, reason: 'its name is not a ContentTitle name (lower case, digits, dashes)' });
    } else if (found.has(title)) {
      run.skipped.push({ file, reason: `a second mezzanine for ${title} (${found.get(title)} is used)` });
    } else if (!only || only === title) {
      found.set(title, join(dir, file));
    }
  }
  return found;
}

export async function packageLibrary(o: LibraryRunOptions): Promise<LibraryRun> {
  const run: LibraryRun = { published: [], current: [], skipped: [], failed: [] };
  const { only, say, onProgress, ...publish } = o;
  const waiting = ingested(o.library, run, only);
  if (only && !waiting.has(only)) {
    run.failed.push({ title: only, error: `no mezzanine for it in ${join(o.library, INGEST_DIR)}` });
  }
  for (const [title, input] of waiting) {
    try {
      if (await packageIsCurrent({ ...o, title })) {
        run.current.push(title);
        continue;
      }
      say(`packaging ${title} from ${input}`);
      await publishTitle({ ...publish, title, input, onProgress: (p) => onProgress?.(title, p) });
      run.published.push(title);
    } catch (error) {
      const message =
        apiStatusCode(error) === 404
          ? `no ContentTitle or key Secret named ${title}`
          : (error as Error).message;
      run.failed.push({ title, error: message });
    }
  }
  return run;
}
