/**
 * Writes the partner allow-list (sha256 -> document) the API loads with --partner-operations:
 *   node console/scripts/partner-operations.ts [--out partner-operations.json]
 * Without --out it prints the JSON.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { partnerOperationsManifest } from './partner-operations-manifest.ts';

const { values } = parseArgs({ options: { out: { type: 'string' } } });
const json = `${JSON.stringify(partnerOperationsManifest(), null, 2)}\n`;
if (values.out) {
  writeFileSync(values.out, json);
  console.error(
    `[console] ${Object.keys(partnerOperationsManifest()).length} partner operations written to ${values.out}`,
  );
} else {
  process.stdout.write(json);
}
