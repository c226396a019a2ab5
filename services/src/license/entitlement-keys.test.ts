/**
 * The signing key's file: the local hub's key is made once, private to its user, and read back
 * as the same key; a file that is not a private JWK is refused without its contents in the error.
 * A deployment's signing key (stack config) gives the public set the hub publishes, and a
 * published set read from a file is bounded and public keys only.
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
  newSigningJwk,
  publicKeySet,
  readKeySetFile,
  signerFromJwk,
  signerFromJwkFile,
  signingKeyPublicSet,
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

describe('signingKeyPublicSet', () => {
  it('publishes the public half of a signing key, which verifies what the key signs', async () => {
    for (const alg of ['ES256', 'EdDSA'] as const) {
      const jwk = await newSigningJwk(`hub-${alg}`, alg);
      const set = signingKeyPublicSet(JSON.stringify(jwk));
      assert.equal(set.keys.length, 1);
      assert.equal(set.keys[0]?.kid, `hub-${alg}`);
      assert.ok(!('d' in (set.keys[0] ?? {})), 'no private member');
      const grant = {
        subscriber: 'ann',
        tenant: 'acme',
        title: 't',
        site: 'apt-seoul-00001',
        ttlSeconds: 60,
      };
      const token = await issueEntitlement(await signerFromJwk(jwk), {
        ...grant,
        kids: ['5f0c3d52-4a8e-4b8e-9b1e-2d7b9f3c1a01'],
      });
      const verdict = await verifyEntitlement(token, entitlementKeys(set), {
        site: grant.site,
        now: new Date(),
      });
      assert.equal(verdict.ok, true, `${alg}: ${JSON.stringify(verdict)}`);
    }
  });

  it('refuses what is not a private key of our algorithms, never quoting it', async () => {
    const es = await newSigningJwk('hub-1');
    const ed = await newSigningJwk('hub-2', 'EdDSA');
    const cases: [string, string, RegExp][] = [
      ['not JSON', 'top-secret-not-json', /is not JSON/],
      ['a list', '[1]', /is not a JWK object/],
      ['no kid', JSON.stringify({ ...es, kid: undefined }), /kid/],
      [
        'a public key',
        JSON.stringify({ ...es, d: undefined }),
        /a signing key is a private ES256 or EdDSA JWK/,
      ],
      ['an Ed25519 key named ES256', JSON.stringify({ ...ed, alg: 'ES256' }), /ES256 signs with a P-256 key/],
      ['a broken key', JSON.stringify({ ...es, d: 'top-secret' }), /does not hold a usable private key/],
    ];
    for (const [what, text, message] of cases) {
      assert.throws(
        () => signingKeyPublicSet(text),
        (error: Error) => {
          assert.ok(error instanceof EntitlementKeyError, `${what}: ${error}`);
          assert.match(error.message, message, what);
          assert.ok(!error.message.includes('top-secret') && !error.message.includes(String(es.d)), what);
          return true;
        },
      );
    }
  });
});

describe('readKeySetFile', () => {
  it('reads a published set, and refuses a missing, oversized, private or malformed one by file', async () => {
    const dir = scratch();
    const good = join(dir, 'jwks.json');
    const signer = await loadOrCreateEntitlementSigner(join(dir, 'key.json'), 'hub-1');
    writeFileSync(good, JSON.stringify(publicKeySet([signer])));
    assert.deepEqual(readKeySetFile(good), publicKeySet([signer]));
    const cases: [string, string | undefined, RegExp][] = [
      ['absent.json', undefined, /absent\.json does not exist/],
      ['huge.json', ' '.repeat(70_000), /huge\.json is 70000 bytes: a key set file is at most 65536/],
      ['text.json', 'not json', /text\.json is not JSON/],
      [
        'private.json',
        JSON.stringify({ keys: [await newSigningJwk('hub-2')] }),
        /private\.json: key hub-2: a verifier is given public keys only/,
      ],
      ['empty.json', '{"keys": []}', /empty\.json: a key set is \{"keys": \[\.\.\.\]\} with 1 to 16 keys/],
    ];
    for (const [name, text, message] of cases) {
      const file = join(dir, name);
      if (text !== undefined) {
        writeFileSync(file, text);
      }
      assert.throws(
        () => readKeySetFile(file),
        (e: Error) => e instanceof EntitlementKeyError && message.test(e.message),
        name,
      );
    }
  });
});
