import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LOCAL_API_PORT, readPartnerOperations } from '@smart-fleet/api';
import { localApiSettings } from './local-api.ts';

test("npm start's API holds partners to the shipped persisted operations, on its fixed port", () => {
  const settings = localApiSettings();
  assert.equal(settings.port, LOCAL_API_PORT);
  const shipped = readPartnerOperations();
  assert.deepEqual(settings.partnerOperations, shipped);
  assert.ok(
    Object.values(shipped).some((d) => d.startsWith('query PartnerSites')),
    'the partner site list is among them',
  );
});
