/**
 * `npm run api:schema`: writes the API's SDL to api/schema.graphql, the contract partners build
 * against. A breaking change (a field or type removed, an argument made required...) is refused
 * unless --allow-breaking says it is intended; the schema test fails whenever the checked-in
 * file differs from the code, so CI catches a change nobody exported.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildSchema, findBreakingChanges } from 'graphql';
import { printFleetSchema, schema } from '../src/schema/index.ts';

export const SCHEMA_FILE = fileURLToPath(new URL('../schema.graphql', import.meta.url));

const allowBreaking = process.argv.includes('--allow-breaking');
const next = printFleetSchema();
const previous = existsSync(SCHEMA_FILE) ? readFileSync(SCHEMA_FILE, 'utf8') : undefined;
if (previous === next) {
  console.error(`${SCHEMA_FILE} is up to date`);
  process.exit(0);
}
const breaking = previous ? findBreakingChanges(buildSchema(previous), schema) : [];
if (breaking.length > 0 && !allowBreaking) {
  console.error(`refused: ${breaking.length} breaking change(s) to the API:`);
  for (const change of breaking) {
    console.error(`  ${change.type}: ${change.description}`);
  }
  console.error(
    'Partners build against this schema. If the break is intended, run: npm run api:schema -- --allow-breaking',
  );
  process.exit(1);
}
writeFileSync(SCHEMA_FILE, next);
console.error(
  `wrote ${SCHEMA_FILE}${breaking.length > 0 ? ` with ${breaking.length} intended breaking change(s)` : ''}`,
);
