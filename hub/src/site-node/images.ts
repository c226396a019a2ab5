/**
 * Images built here, never pulled: buildah builds a Containerfile's context into a docker-archive,
 * cached under the content hash of the context (every file's path and bytes), so an unchanged
 * image is never built twice; a node's containerd imports the archive under the same reference.
 * Pods then run it with `imagePullPolicy: Never`.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { run } from '../run.ts';
import { cacheDir } from '../toolchain.ts';

export interface BuiltImage {
  /** `localhost/<name>:<tag>-<hash>`. */
  ref: string;
  archive: string;
}

/** Files under `dir` in a stable order; bounded, since a context is small by design. */
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

const storage = () => {
  const root = join(cacheDir(), 'images', 'buildah');
  return ['--storage-driver', 'vfs', '--root', join(root, 'root'), '--runroot', join(root, 'run')];
};

/**
 * Builds `contextDir` (its Containerfile) as `localhost/<name>:<tag>-<hash>` unless the cache has
 * it. `log` gets one line when a build starts and when it ends.
 */
export async function buildImage(o: {
  name: string;
  tag: string;
  contextDir: string;
  log?: (line: string) => void;
}): Promise<BuiltImage> {
  if (!/^[a-z0-9][a-z0-9-]{0,62}$/.test(o.name)) {
    throw new RangeError(
      `image name must be lower-case letters, digits and dashes, not ${JSON.stringify(o.name)}`,
    );
  }
  if (!existsSync(join(o.contextDir, 'Containerfile'))) {
    throw new Error(`no Containerfile in ${o.contextDir}`);
  }
  const ref = `localhost/${o.name}:${o.tag}-${contextHash(o.contextDir)}`;
  const dir = join(cacheDir(), 'images');
  const archive = join(dir, `${ref.slice('localhost/'.length).replace(':', '_')}.tar`);
  if (existsSync(archive)) {
    return { ref, archive };
  }
  mkdirSync(dir, { recursive: true });
  const log = o.log ?? (() => {});
  const started = Date.now();
  log(`[images] building ${ref}`);
  await run('buildah', [
    ...storage(),
    'bud',
    '--quiet',
    '--layers',
    '-f',
    'Containerfile',
    '-t',
    ref,
    o.contextDir,
  ]);
  rmSync(`${archive}.tmp`, { force: true });
  await run('buildah', [...storage(), 'push', '--quiet', ref, `docker-archive:${archive}.tmp:${ref}`]);
  renameSync(`${archive}.tmp`, archive);
  log(`[images] built ${ref} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return { ref, archive };
}

/** Imports `image` into a node's containerd (the k8s.io namespace the kubelet uses) unless it has it. */
export async function importImage(containerdSocket: string, image: BuiltImage): Promise<void> {
  const ctr = ['--address', containerdSocket, '--namespace', 'k8s.io'];
  const present = await run('ctr', [...ctr, 'images', 'list', '--quiet']);
  if (!present.split('\n').includes(image.ref)) {
    await run('ctr', [...ctr, 'images', 'import', image.archive]);
  }
}
