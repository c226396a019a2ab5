/**
 * A file in the image cache made once: produced beside its final path and renamed into place, so
 * a reader (or a racing build in another process) never sees half of it, with one progress line
 * as it starts and one, timed, as it ends. An existing file is the cache hit.
 */
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';

export async function cachedArtifact(
  path: string,
  what: { making: string; made: string },
  log: (line: string) => void,
  produce: (partial: string) => Promise<void>,
): Promise<string> {
  if (existsSync(path)) {
    return path;
  }
  mkdirSync(dirname(path), { recursive: true });
  const partial = `${path}.${process.pid}.tmp`;
  const started = Date.now();
  log(`[images] ${what.making}`);
  rmSync(partial, { recursive: true, force: true });
  try {
    await produce(partial);
    renameSync(partial, path);
  } finally {
    rmSync(partial, { recursive: true, force: true });
  }
  log(`[images] ${what.made} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return path;
}
