/** Writes model/generated/crds/*.yaml from the kinds. `npm run generate`. */
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GENERATED_CRD_DIR, renderCrdFiles } from '../src/crd-manifests.ts';

mkdirSync(GENERATED_CRD_DIR, { recursive: true });
const files = renderCrdFiles();
for (const stale of readdirSync(GENERATED_CRD_DIR)) {
  if (!files.has(stale)) {
    rmSync(join(GENERATED_CRD_DIR, stale));
  }
}
for (const [name, text] of files) {
  writeFileSync(join(GENERATED_CRD_DIR, name), text);
}
console.log(`wrote ${files.size} CRDs to ${GENERATED_CRD_DIR}`);
