import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { devTokenSigner } from '@smart-fleet/api';
import { can } from './permissions.ts';
import { isExpired, roleOf, sessionStore, staffSessionOf, TokenError } from './session.ts';

const sign = await devTokenSigner(mkdtempSync(join(tmpdir(), 'console-session-')), 'http://127.0.0.1:1');

function memoryStorage() {
  const items = new Map<string, string>();
  return {
    getItem: (k: string) => items.get(k) ?? null,
    setItem: (k: string, v: string) => void items.set(k, v),
    removeItem: (k: string) => void items.delete(k),
  };
}

describe('the signed-in session', () => {
  it("reads a staff token's role, subject and expiry, as the issuer signed them", async () => {
    const token = await sign({ sub: 'nam', roles: ['noc'], email: 'nam@example.kr', ttlSeconds: 600 });
    const session = staffSessionOf(token);
    assert.equal(session.role, 'noc');
    assert.equal(session.subject, 'nam@example.kr');
    assert.ok(Math.abs(session.expiresAt - (Date.now() + 600_000)) < 5000);
    assert.equal(isExpired(session), false);
    assert.equal(
      isExpired(staffSessionOf(await sign({ sub: 'x', roles: ['operator'], ttlSeconds: -10 }))),
      true,
    );
  });

  it('refuses a token without a staff role, or one that is not a JWT', async () => {
    const viewer = await sign({ sub: 'p', roles: ['viewer'] });
    assert.throws(() => staffSessionOf(viewer), TokenError);
    assert.throws(() => staffSessionOf('not-a-token'), /not a JWT/);
    assert.throws(() => staffSessionOf('a.!!!.c'), /readable claims/);
    assert.throws(() => staffSessionOf(`a.${'x'.repeat(20_000)}.c`), /not a JWT/);
  });

  it('is kept in the given storage, and a damaged entry reads as signed out', () => {
    const storage = memoryStorage();
    const store = sessionStore(storage);
    store.write({ kind: 'partner', apiKey: 'sfk_x', tenant: 't', tenantName: 'T' });
    assert.equal(store.read()?.kind, 'partner');
    storage.setItem('smart-fleet.session', '{not json');
    assert.equal(store.read(), undefined);
    store.clear();
    assert.equal(store.read(), undefined);
  });

  it('decides what the UI offers each role, as the API allows it', () => {
    assert.deepEqual(
      (['operator', 'noc', 'partner'] as const).map((role) => [
        can(role, 'drainSite'),
        can(role, 'manageRollouts'),
        can(role, 'readStaffViews'),
      ]),
      [
        [true, true, true],
        [true, false, true],
        [false, false, false],
      ],
    );
    assert.equal(roleOf({ kind: 'partner', apiKey: 'k', tenant: 't', tenantName: 't' }), 'partner');
    assert.equal(can(undefined, 'drainSite'), false);
  });
});
