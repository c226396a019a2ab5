/**
 * `npm run api:operations`: compiles the partner operations (api/operations/partner/*.graphql,
 * one named operation per file) into the allow-list the API loads,
 * api/operations/partner-operations.json. Adding an operation for partners is one step: put its
 * document in that folder and run this (the operations test fails until the list is current).
 *   --check   write nothing; exit 1 if the list is not current
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import {
  compileOperations,
  PARTNER_OPERATIONS_FILE,
  PersistedOperationsError,
  readOperationSources,
} from '../src/persisted-operations.ts';

/** The allow-list as it is written: sorted by operation name, one entry a line-pair, a final newline. */
export function operationsFileText(): string {
  return `${JSON.stringify(compileOperations(readOperationSources()), null, 2)}\n`;
}

if (import.meta.main) {
  let next: string;
  try {
    next = operationsFileText();
  } catch (error) {
    if (!(error instanceof PersistedOperationsError)) {
      throw error;
    }
    console.error(`npm run api:operations: ${error.message}`);
    process.exit(1);
  }
  const current = existsSync(PARTNER_OPERATIONS_FILE) ? readFileSync(PARTNER_OPERATIONS_FILE, 'utf8') : '';
  const count = Object.keys(JSON.parse(next)).length;
  if (current === next) {
    console.error(`${PARTNER_OPERATIONS_FILE} is up to date (${count} operations)`);
  } else if (process.argv.includes('--check')) {
    console.error(`${PARTNER_OPERATIONS_FILE} is stale: run npm run api:operations`);
    process.exit(1);
  } else {
    writeFileSync(PARTNER_OPERATIONS_FILE, next);
    console.error(`wrote ${PARTNER_OPERATIONS_FILE} (${count} operations)`);
  }
}
