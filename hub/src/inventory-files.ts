/** Reads inventory files from paths (a directory means every *.yaml and *.yml in it, sorted). */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { InventoryInput } from '@smart-fleet/model';

export function readInventoryFiles(paths: readonly string[]): InventoryInput[] {
  if (paths.length === 0) {
    throw new Error('name at least one inventory file or directory');
  }
  return paths.flatMap((path) => {
    let stat: ReturnType<typeof statSync>;
    try {
      stat = statSync(path);
    } catch {
      throw new Error(`inventory ${path} does not exist`);
    }
    const files = stat.isDirectory()
      ? readdirSync(path)
          .filter((f) => /\.ya?ml$/.test(f))
          .sort()
          .map((f) => join(path, f))
      : [path];
    return files.map((file) => ({ file, text: readFileSync(file, 'utf8') }));
  });
}
