/**
 * The console's build, for Node callers (scripts/start.ts via its pre-script, the end-to-end
 * tests, the benchmark): where the build goes, and a build that runs only when an input changed.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, globSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '..');
export const CONSOLE_DIST = join(HERE, 'dist');
const STAMP = join(CONSOLE_DIST, '.build-stamp');
const VITE = join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js');

/** Every file the build reads, relative to the repository root, in a stable order. */
export function buildInputs(): string[] {
  const own = [
    'index.html',
    'vite.config.ts',
    'package.json',
    'src/**/*',
    'public/**/*',
    'build-plugins/**/*',
  ].flatMap((pattern) => globSync(pattern, { cwd: HERE }).map((f) => join('console', f)));
  return [...own, 'model/src/regions.ts', 'package-lock.json']
    .filter((f) => existsSync(join(ROOT, f)) && !f.endsWith('/'))
    .sort();
}

export function inputsHash(): string {
  const hash = createHash('sha256');
  for (const file of buildInputs()) {
    const path = join(ROOT, file);
    try {
      hash.update(relative(ROOT, path)).update('\0').update(readFileSync(path)).update('\0');
    } catch {
      // a directory matched by a glob: its files are hashed on their own
    }
  }
  return hash.digest('hex');
}

export async function ensureConsoleBuilt(
  options: { force?: boolean; log?: (line: string) => void } = {},
): Promise<{ built: boolean; ms: number }> {
  const log = options.log ?? (() => {});
  const hash = inputsHash();
  const current = existsSync(STAMP) ? readFileSync(STAMP, 'utf8').trim() : '';
  if (!options.force && current === hash && existsSync(join(CONSOLE_DIST, 'index.html'))) {
    return { built: false, ms: 0 };
  }
  log(`[console] building the console (its sources changed${current ? '' : ', or it was never built'})`);
  const started = performance.now();
  await new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, [VITE, 'build', HERE], {
      cwd: ROOT,
      // Vite colours its output whenever CI is set; its lines go into logs unless on a terminal.
      env: process.stderr.isTTY ? process.env : { ...process.env, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const forward = (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n')) {
        if (line.trim() !== '') {
          log(`[console] ${line}`);
        }
      }
    };
    child.stdout.on('data', forward);
    child.stderr.on('data', forward);
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`the console's Vite build failed (exit ${code})`)),
    );
  });
  writeFileSync(STAMP, `${hash}\n`);
  const ms = performance.now() - started;
  log(`[console] built in ${(ms / 1000).toFixed(1)} s`);
  return { built: true, ms };
}
