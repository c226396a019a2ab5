/**
 * Images built here, never pulled: buildah builds a Containerfile over a context directory into a
 * docker-archive, cached under the content hash of everything that goes in (the Containerfile,
 * its build arguments, every file of the context), so an unchanged image is never built twice; a
 * node's containerd imports the archive under the same reference. Pods then run it with
 * `imagePullPolicy: Never` or `IfNotPresent`.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { run } from '../run.ts';
import { cacheDir } from '../toolchain.ts';
import { cachedArtifact } from './cached-artifact.ts';

export interface BuiltImage {
  /** `localhost/<name>:<tag>-<hash>`: the content names the image. */
  ref: string;
  archive: string;
}

/** Files under `dir` in a stable order; bounded, since a context is staged small by design. */
function contextFiles(dir: string, limit = 5000): string[] {
  const files: string[] = [];
  const walk = (at: string) => {
    for (const entry of readdirSync(at, { withFileTypes: true }).sort((a, b) =>
      a.name.localeCompare(b.name),
    )) {
      const path = join(at, entry.name);
      if (entry.isDirectory()) {
        walk(path);
      } else if (entry.isFile()) {
        files.push(path);
        if (files.length > limit) {
          throw new RangeError(`image context ${dir} has more than ${limit} files; narrow what it copies`);
        }
      }
    }
  };
  walk(dir);
  return files;
}

/** The hash of a context: each file's relative path, mode and bytes. */
export function contextHash(dir: string): string {
  const hash = createHash('sha256');
  for (const file of contextFiles(dir)) {
    hash.update(`${relative(dir, file)}\0${statSync(file).mode & 0o777}\0`);
    hash.update(readFileSync(file));
    hash.update('\0');
  }
  return hash.digest('hex').slice(0, 12);
}

/** buildah's own store for the images built here (vfs: no overlay mounts needed in a sandbox). */
export function buildahStorage(): string[] {
  const root = join(cacheDir(), 'images', 'buildah');
  return ['--storage-driver', 'vfs', '--root', join(root, 'root'), '--runroot', join(root, 'run')];
}

export interface ImageBuild {
  name: string;
  tag: string;
  contextDir: string;
  /** The Containerfile; `contextDir/Containerfile` unless given. */
  containerfile?: string;
  /** `ARG`s, such as the reference of the image this one is built `FROM`. */
  buildArgs?: Record<string, string>;
  log?: (line: string) => void;
}

/** The reference a build would get: its name, tag and the hash of all that goes into it. */
export function imageRef(o: ImageBuild): string {
  if (!/^[a-z0-9][a-z0-9-]{0,62}$/.test(o.name)) {
    throw new RangeError(
      `image name must be lower-case letters, digits and dashes, not ${JSON.stringify(o.name)}`,
    );
  }
  const containerfile = o.containerfile ?? join(o.contextDir, 'Containerfile');
  if (!existsSync(containerfile)) {
    throw new Error(`no Containerfile at ${containerfile}`);
  }
  const hash = createHash('sha256')
    .update(readFileSync(containerfile))
    .update('\0')
    .update(JSON.stringify(Object.entries(o.buildArgs ?? {}).sort()))
    .update('\0')
    .update(contextHash(o.contextDir))
    .digest('hex')
    .slice(0, 12);
  return `localhost/${o.name}:${o.tag}-${hash}`;
}

/**
 * Builds the image unless the cache has it. `log` gets one line when a build starts and when it
 * ends. Only images of this store are used as bases (`--pull=never`): nothing is fetched.
 */
export async function buildImage(o: ImageBuild): Promise<BuiltImage> {
  const ref = imageRef(o);
  const archive = join(cacheDir(), 'images', `${ref.slice('localhost/'.length).replace(':', '_')}.tar`);
  const args = Object.entries(o.buildArgs ?? {}).flatMap(([k, v]) => ['--build-arg', `${k}=${v}`]);
  await cachedArtifact(
    archive,
    { making: `building ${ref}`, made: `built ${ref}` },
    o.log ?? (() => {}),
    async (partial) => {
      await run('buildah', [
        ...buildahStorage(),
        'bud',
        '--quiet',
        '--layers',
        '--pull=never',
        ...args,
        '-f',
        o.containerfile ?? join(o.contextDir, 'Containerfile'),
        '-t',
        ref,
        o.contextDir,
      ]);
      await run('buildah', [...buildahStorage(), 'push', '--quiet', ref, `docker-archive:${partial}:${ref}`]);
    },
  );
  return { ref, archive };
}

/**
 * Imports `image` into a node's containerd (the k8s.io namespace the kubelet uses) unless it has
 * it, and names it also as each of `alsoAs` (say the registry reference a release or a stack
 * names), so pods that name those run this build without pulling.
 */
export async function importImage(
  containerdSocket: string,
  image: BuiltImage,
  alsoAs: readonly string[] = [],
): Promise<void> {
  const ctr = ['--address', containerdSocket, '--namespace', 'k8s.io'];
  const present = await run('ctr', [...ctr, 'images', 'list', '--quiet']);
  if (!present.split('\n').includes(image.ref)) {
    await run('ctr', [...ctr, 'images', 'import', image.archive]);
  }
  for (const name of alsoAs) {
    await run('ctr', [...ctr, 'images', 'tag', '--force', image.ref, name]);
  }
}
