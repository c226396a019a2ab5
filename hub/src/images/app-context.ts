/**
 * The build context of the app image, the layer every Node component shares: the pinned Node 24
 * binary (the npm `node` package's, as the repository runs), the production dependencies of the
 * server workspaces, and their sources (the .ts files Node 24 runs directly, without tests).
 * The dependencies come from `npm ci --omit=dev` against the repository's lock file, cached as a
 * tarball under the hash of the lock and the manifests, so they are installed once per change.
 */
import { createHash } from 'node:crypto';
import {
  copyFileSync,
  cpSync,
  existsSync,
  linkSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { run } from '../run.ts';
import { cacheDir } from '../toolchain.ts';
import { cachedArtifact } from './cached-artifact.ts';

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
/** What the server components import; stacks (Pulumi) and the console (a static build) stay out. */
export const APP_WORKSPACES = ['model', 'kube', 'services', 'hub', 'operators', 'api'] as const;
const NODE_BINARY = join(REPO_ROOT, 'node_modules', 'node', 'bin', 'node');

/** Links `from` to `to` (same file system, no copy), or copies it. */
export function linkOrCopy(from: string, to: string): void {
  mkdirSync(dirname(to), { recursive: true });
  try {
    linkSync(from, to);
  } catch {
    copyFileSync(from, to);
  }
}

function workspaceManifests(): string[] {
  const root = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { workspaces: string[] };
  return ['package.json', ...root.workspaces.map((w) => join(w, 'package.json'))];
}

/** The production node_modules of APP_WORKSPACES as a tarball, installed when the lock changed. */
export async function productionModules(log: (line: string) => void = () => {}): Promise<string> {
  const manifests = [...workspaceManifests(), 'package-lock.json'];
  const hash = createHash('sha256');
  for (const file of manifests) {
    hash
      .update(`${file}\0`)
      .update(readFileSync(join(REPO_ROOT, file)))
      .update('\0');
  }
  hash.update(APP_WORKSPACES.join(','));
  const key = hash.digest('hex').slice(0, 12);
  const tarball = join(cacheDir(), 'images', `node-modules-${key}.tar`);
  const what = {
    making: 'installing the production dependencies (npm ci --omit=dev)',
    made: 'installed the production dependencies',
  };
  return cachedArtifact(tarball, what, log, async (partial) => {
    const stage = join(cacheDir(), 'images', 'stage', `node-modules-${process.pid}`);
    rmSync(stage, { recursive: true, force: true });
    try {
      // npm ci checks every workspace against the lock, so every manifest goes in; only the
      // server workspaces' dependencies are installed.
      for (const file of manifests) {
        linkOrCopy(join(REPO_ROOT, file), join(stage, file));
      }
      await run(
        'npm',
        [
          'ci',
          '--omit=dev',
          '--ignore-scripts',
          '--no-audit',
          '--no-fund',
          '--loglevel=error',
          ...APP_WORKSPACES.flatMap((w) => ['--workspace', w]),
        ],
        { cwd: stage },
      );
      await run('tar', ['--create', '--file', partial, '--directory', stage, 'node_modules']);
    } finally {
      rmSync(stage, { recursive: true, force: true });
    }
  });
}

/** Tests, their fixtures and build output stay out of an image. */
const isShipped = (name: string, isDir: boolean) =>
  isDir
    ? !['node_modules', 'dist', 'test', 'e2e', 'test-support', 'scripts'].includes(name)
    : !name.endsWith('.test.ts') && name !== 'README.md';

/** Links every shipped file under `from` to the same place under `to`. */
function copyShipped(from: string, to: string): void {
  for (const entry of readdirSync(from, { withFileTypes: true })) {
    if (!isShipped(entry.name, entry.isDirectory())) {
      continue;
    }
    if (entry.isDirectory()) {
      copyShipped(join(from, entry.name), join(to, entry.name));
    } else if (entry.isFile()) {
      linkOrCopy(join(from, entry.name), join(to, entry.name));
    }
  }
}

/** Copies the shipped files of the server workspaces, and the root manifest, under `to`. */
export function stageAppSources(to: string): void {
  linkOrCopy(join(REPO_ROOT, 'package.json'), join(to, 'package.json'));
  for (const workspace of APP_WORKSPACES) {
    copyShipped(join(REPO_ROOT, workspace), join(to, workspace));
  }
}

/** Stages the app image's context in `dir`: `node`, `node_modules.tar` and `app/`. */
export async function stageAppContext(dir: string, log: (line: string) => void = () => {}): Promise<void> {
  if (!existsSync(NODE_BINARY)) {
    throw new Error(`${NODE_BINARY} is missing: run npm install first (the images carry the pinned Node 24)`);
  }
  linkOrCopy(NODE_BINARY, join(dir, 'node'));
  linkOrCopy(await productionModules(log), join(dir, 'node_modules.tar'));
  stageAppSources(join(dir, 'app'));
}

/** Stages a copy of `from` (a directory of the repository) at `to`, hidden files (stamps) left out. */
export function stageDirectory(from: string, to: string): void {
  if (!existsSync(join(REPO_ROOT, from))) {
    throw new Error(`${join(REPO_ROOT, from)} is missing`);
  }
  cpSync(join(REPO_ROOT, from), to, { recursive: true, filter: (path) => !basename(path).startsWith('.') });
}
