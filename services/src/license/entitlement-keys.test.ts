/**
 * The signing key's file: the local hub's key is made once, private to its user, and read back
 * as the same key; a file that is not a private JWK is refused without its contents in the error.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ENTITLEMENT_AUDIENCE, issueEntitlement, verifyEntitlement } from './entitlement.ts';
import {
  EntitlementKeyError,
  entitlementKeys,
  loadOrCreateEntitlementSigner,
  publicKeySet,
  signerFromJwkFile,
} from './entitlement-keys.ts';

const scratch = () => mkdtempSync(join(tmpdir(), 'entitlement-keys-'));
const mode = (path: string) => statSync(path).mode & 0o777;

describe('loadOrCreateEntitlementSigner', () => {
  it('creates a 0600 key file in a 0700 directory, and the second call loads the same key', async () => {
    const dir = join(scratch(), 'hub', 'entitlements');
    const file = join(dir, 'signing-key.json');
    const first = await loadOrCreateEntitlementSigner(file, 'hub-local-1');
    assert.equal(mode(file), 0o600);
    assert.equal(mode(dir), 0o700);
    const stored = JSON.parse(readFileSync(file, 'utf8'));
    assert.equal(typeof stored.d, 'string', 'the file holds the private key');
    assert.equal(stored.kid, 'hub-local-1');
    assert.equal(stored.alg, 'ES256');
    assert.equal(first.publicJwk.d, undefined, 'the public half carries no private member');

    // A different kid asked for later does not replace the key verifiers already trust.
    const second = await loadOrCreateEntitlementSigner(file, 'another-kid');
    assert.equal(second.kid, 'hub-local-1');
    assert.deepEqual(second.publicJwk, first.publicJwk);

    // What the first signer signs, the second one's public key verifies.
    const token = await issueEntitlement(first, {
      subscriber: 'sub-1',
      tenant: 'studio',
      title: 'title-a',
      site: 'site-a',
      kids: ['6f1c3c2a-8d3e-4b59-9a51-0c2b7f6d1e11'],
      ttlSeconds: 60,
    });
    const verdict = await verifyEntitlement(token, entitlementKeys(publicKeySet([second])), {
      now: new Date(),
      audience: ENTITLEMENT_AUDIENCE,
    });
    assert.equal(verdict.ok, true, JSON.stringify(verdict));
  });

  it('two callers racing for a new file end up with one key', async () => {
    const file = join(scratch(), 'key.json');
    const [a, b] = await Promise.all([
      loadOrCreateEntitlementSigner(file, 'race-a'),
      loadOrCreateEntitlementSigner(file, 'race-b'),
    ]);
    assert.deepEqual(a.publicJwk, b.publicJwk);
    assert.deepEqual(JSON.parse(readFileSync(file, 'utf8')).x, a.publicJwk.x);
  });
});

describe('signerFromJwkFile', () => {
  it('refuses a file that is not a private JWK, never quoting it', async () => {
    const dir = scratch();
    const secretish = 'eyJkIjoidG9wLXNlY3JldCJ9-not-json';
    const cases: [string, string, RegExp][] = [
      ['not-json.json', secretish, /is not JSON/],
      ['array.json', '[1, 2]', /is not a JWK object/],
      [
        'public.json',
        JSON.stringify({ kty: 'EC', crv: 'P-256', x: 'a', y: 'b', kid: 'k', alg: 'ES256' }),
        /private/,
      ],
      ['no-kid.json', JSON.stringify({ kty: 'EC', d: 'x', alg: 'ES256' }), /kid/],
      ['huge.json', ' '.repeat(20_000), /at most/],
    ];
    for (const [name, text, message] of cases) {
      const file = join(dir, name);
      writeFileSync(file, text);
      await assert.rejects(signerFromJwkFile(file), (error: Error) => {
        assert.ok(error instanceof EntitlementKeyError, `${name}: ${error}`);
        assert.match(error.message, message, name);
        assert.ok(!error.message.includes('top-secret') && !error.message.includes(secretish), name);
        return true;
      });
    }
  });

  it('a missing file is the file system error, so callers can tell "not there" apart', async () => {
    await assert.rejects(signerFromJwkFile(join(scratch(), 'absent.json')), { code: 'ENOENT' });
  });
});
