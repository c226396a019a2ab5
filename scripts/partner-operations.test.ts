/**
 * The shipped allow-list is the one list of partner documents: current with
 * api/operations/partner/ and the console's partner documents, holding each console document
 * under the hash the browser sends for it, and refusing two operations of one name.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { PARTNER_OPERATIONS_FILE, readOperationSources, readPartnerOperations } from '@smart-fleet/api';
import { partnerOperationsManifest } from '@smart-fleet/console';
import { operationsFileText } from './partner-operations.ts';

test('api/operations/partner-operations.json is current: run npm run api:operations after adding a document', () => {
  assert.equal(readFileSync(PARTNER_OPERATIONS_FILE, 'utf8'), operationsFileText());
});

test("it holds every console partner document under the console's own hash, and every integration document", () => {
  const shipped = readPartnerOperations();
  const consoleDocuments = Object.entries(partnerOperationsManifest());
  assert.ok(consoleDocuments.length > 0);
  for (const [hash, document] of consoleDocuments) {
    assert.equal(shipped[hash], document);
  }
  assert.equal(Object.keys(shipped).length, consoleDocuments.length + readOperationSources().length);
});

test('two documents of one name, from the two places, are refused naming both', () => {
  const clash = [
    { file: 'api/operations/partner/x.graphql', text: 'query SiteTelemetry { a }' },
    { file: 'console/src/graphql/partner-operations.ts', text: 'query SiteTelemetry { b }', asSent: true },
  ];
  assert.throws(
    () => operationsFileText(clash),
    /console\/src\/graphql\/partner-operations\.ts: operation SiteTelemetry is already defined in api\/operations\/partner\/x\.graphql/,
  );
});
