/**
 * `npm run api:operations`: compiles the one persisted-operation allow-list partners are held
 * to, api/operations/partner-operations.json, from both places partner documents live: the
 * partner integrations' documents (api/operations/partner/*.graphql, one named operation per
 * file) and the console's partner documents (console/src/graphql/partner-operations.ts, hashed
 * as the browser hashes them). It lives here, above both packages, because the API must not
 * depend on its own client. Adding a partner operation is one step: add the document in either
 * place and run this; the operations test fails until the list is current.
 *   --check   write nothing; exit 1 if the list is not current
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import {
  compileOperations,
  type OperationSource,
  PARTNER_OPERATIONS_FILE,
  PersistedOperationsError,
  readOperationSources,
} from '@smart-fleet/api';
import { partnerOperationsManifest } from '@smart-fleet/console';

/** Where the console's partner documents are written, for messages about them. */
const CONSOLE_DOCUMENTS = 'console/src/graphql/partner-operations.ts';

/** Every partner document: the integrations' files, then the console's strings as it sends them. */
export function partnerOperationSources(): OperationSource[] {
  const console = Object.values(partnerOperationsManifest()).map((text) => ({
    file: CONSOLE_DOCUMENTS,
    text,
    asSent: true,
  }));
  return [...readOperationSources(), ...console];
}

/** The allow-list as it is written: sorted by operation name, one entry a line-pair, a final newline. */
export function operationsFileText(sources: OperationSource[] = partnerOperationSources()): string {
  return `${JSON.stringify(compileOperations(sources), null, 2)}\n`;
}

function main(): number {
  let next: string;
  try {
    next = operationsFileText();
  } catch (error) {
    if (!(error instanceof PersistedOperationsError)) {
      throw error;
    }
    console.error(`npm run api:operations: ${error.message}`);
    return 1;
  }
  const current = existsSync(PARTNER_OPERATIONS_FILE) ? readFileSync(PARTNER_OPERATIONS_FILE, 'utf8') : '';
  const count = Object.keys(JSON.parse(next)).length;
  if (current === next) {
    console.error(`${PARTNER_OPERATIONS_FILE} is up to date (${count} operations)`);
  } else if (process.argv.includes('--check')) {
    console.error(`${PARTNER_OPERATIONS_FILE} is stale: run npm run api:operations`);
    return 1;
  } else {
    writeFileSync(PARTNER_OPERATIONS_FILE, next);
    console.error(`wrote ${PARTNER_OPERATIONS_FILE} (${count} operations)`);
  }
  return 0;
}

if (import.meta.main) {
  process.exitCode = main();
}
