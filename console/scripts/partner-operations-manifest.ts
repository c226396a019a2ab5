/**
 * The console's part of the partners' persisted-operation allow-list: sha256 (hex) of each
 * document the console sends with an API key -> that document. Hashed exactly as the browser
 * hashes them (console/src/graphql/client.ts, sha256Hex), so the ids match; `npm run
 * api:operations` (scripts/partner-operations.ts) folds them into the one shipped list.
 */
import { createHash } from 'node:crypto';
import { PARTNER_OPERATIONS } from '../src/graphql/partner-operations.ts';

export function partnerOperationsManifest(): Record<string, string> {
  return Object.fromEntries(
    Object.values(PARTNER_OPERATIONS).map((document) => [
      createHash('sha256').update(document).digest('hex'),
      document,
    ]),
  );
}
