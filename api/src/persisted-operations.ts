/**
 * The persisted operations partners are held to, one allow-list: the documents of partner
 * integrations (one per file in api/operations/partner/, hashed as printed) and the console's
 * partner documents (hashed as the browser hashes them, byte for byte), compiled by
 * `npm run api:operations` (scripts/partner-operations.ts) into
 * api/operations/partner-operations.json (sha256 -> the document), which `npm start`,
 * `npm run api`, the console's stack and the hub stack load. A partner sends only the hash
 * (`extensions.persistedQuery.sha256Hash`); the server runs the document it holds for it.
 * The file is checked as it is read: a corrupt or hand-edited one stops the server, naming why.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Kind, parse, print } from 'graphql';
import { DOCUMENT_LIMITS } from './limits/document-limits.ts';

export const PARTNER_OPERATIONS_DIR = fileURLToPath(new URL('../operations/partner/', import.meta.url));
export const PARTNER_OPERATIONS_FILE = fileURLToPath(
  new URL('../operations/partner-operations.json', import.meta.url),
);
/** More operations than any partner integration needs; a bound on what the server holds. */
export const MAX_PERSISTED_OPERATIONS = 500;

export type PersistedOperations = Readonly<Record<string, string>>;

export class PersistedOperationsError extends Error {
  override name = 'PersistedOperationsError';
}

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

export interface OperationSource {
  file: string;
  text: string;
  /**
   * Hash the text exactly as written, not as printed: for a client that holds its documents as
   * strings and sends the sha256 of the string it holds (the console).
   */
  asSent?: boolean;
}

/** One operation (its name, printed document and hash) from a `.graphql` file holding exactly one. */
export function persistedOperation(source: OperationSource): {
  name: string;
  document: string;
  hash: string;
} {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(source.text, { maxTokens: DOCUMENT_LIMITS.tokens });
  } catch (error) {
    throw new PersistedOperationsError(`${source.file}: ${(error as Error).message}`);
  }
  const operations = parsed.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION);
  const [operation] = operations;
  if (operations.length !== 1 || !operation?.name) {
    throw new PersistedOperationsError(`${source.file}: must hold exactly one named operation`);
  }
  // Printed, so whitespace and comments in the source never change the hash clients send.
  const document = source.asSent ? source.text : print(parsed);
  return { name: operation.name.value, document, hash: sha256(document) };
}

/** The allow-list for a set of sources, in the order of their operations' names (unique across all). */
export function compileOperations(sources: readonly OperationSource[]): Record<string, string> {
  const compiled = sources.map((s) => ({ ...persistedOperation(s), file: s.file }));
  const byName = new Map<string, string>();
  for (const op of compiled) {
    const earlier = byName.get(op.name);
    if (earlier) {
      throw new PersistedOperationsError(`${op.file}: operation ${op.name} is already defined in ${earlier}`);
    }
    byName.set(op.name, op.file);
  }
  compiled.sort((a, b) => a.name.localeCompare(b.name));
  return Object.fromEntries(compiled.map((op) => [op.hash, op.document]));
}

/** The `.graphql` files of a directory, by file name. */
export function readOperationSources(dir: string = PARTNER_OPERATIONS_DIR): OperationSource[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.graphql'))
    .sort()
    .map((f) => ({ file: join(dir, f), text: readFileSync(join(dir, f), 'utf8') }));
}

/** Checks an allow-list read from JSON: ids are the sha256 of their documents, within the limits. */
export function checkedOperations(value: unknown, where: string): PersistedOperations {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new PersistedOperationsError(`${where}: must be a JSON object of sha256 -> GraphQL document`);
  }
  const entries = Object.entries(value);
  if (entries.length > MAX_PERSISTED_OPERATIONS) {
    throw new PersistedOperationsError(
      `${where}: holds ${entries.length} operations; at most ${MAX_PERSISTED_OPERATIONS} allowed`,
    );
  }
  for (const [hash, document] of entries) {
    if (typeof document !== 'string' || document.length > DOCUMENT_LIMITS.characters) {
      throw new PersistedOperationsError(
        `${where}: ${hash.slice(0, 64)} must map to a GraphQL document of at most ${DOCUMENT_LIMITS.characters} characters`,
      );
    }
    if (!/^[0-9a-f]{64}$/.test(hash) || sha256(document) !== hash) {
      throw new PersistedOperationsError(
        `${where}: ${hash.slice(0, 64)} is not the sha256 of its document (regenerate with npm run api:operations)`,
      );
    }
  }
  return Object.freeze(Object.fromEntries(entries)) as PersistedOperations;
}

export function readPartnerOperations(file: string = PARTNER_OPERATIONS_FILE): PersistedOperations {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new PersistedOperationsError(
      `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? error}`,
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new PersistedOperationsError(`${file}: not JSON (${(error as Error).message})`);
  }
  return checkedOperations(value, file);
}
