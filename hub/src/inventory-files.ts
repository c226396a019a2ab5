/**
 * Reads inventory files from paths (a directory means every *.yaml and *.yml in it, sorted).
 * Their sizes are checked against the inventory limits before any is read, so an oversized file
 * is refused in the loader's words without ever being held in memory.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { InventoryError, type InventoryInput, sizeProblems } from '@smart-fleet/model';

export function readInventoryFiles(paths: readonly string[]): InventoryInput[] {
  if (paths.length === 0) {
    throw new Error('name at least one inventory file or directory');
  }
  const files = paths.flatMap((path) => {
    let stat: ReturnType<typeof statSync>;
    try {
      stat = statSync(path);
    } catch {
      throw new Error(`inventory ${path} does not exist`);
    }
    return stat.isDirectory()
      ? readdirSync(path)
          .filter((f) => /\.ya?ml$/.test(f))
          .sort()
          .map((f) => join(path, f))
      : [path];
  });
  const tooBig = sizeProblems(files.map((file) => ({ file, bytes: statSync(file).size })));
  if (tooBig.length > 0) {
    throw new InventoryError(tooBig);
  }
  return files.map((file) => ({ file, text: readFileSync(file, 'utf8') }));
}
