import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import {
  type CryptoKey,
  decodeProtectedHeader,
  exportJWK,
  generateKeyPair,
  importJWK,
  type JWK,
  type JWTPayload,
  SignJWT,
  UnsecuredJWT,
} from 'jose';
import { type DevIssuer, startDevIssuer } from './dev-issuer.ts';
import { AuthError } from './principal.ts';
import { staffTokenVerifier } from './staff-tokens.ts';

const dir = mkdtempSync(join(tmpdir(), 'smart-fleet-dev-issuer-'));
let issuer: DevIssuer;
let verify: (token: string) => Promise<unknown>;

before(async () => {
  issuer = await startDevIssuer({ dir });
  verify = staffTokenVerifier(issuer.config);
});

after(async () => {
  await issuer.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** The dev issuer's own private key, to sign tokens its `sign` cannot make. */
async function issuerKey(): Promise<{ key: CryptoKey; kid: string }> {
  const jwk = JSON.parse(readFileSync(join(dir, 'dev-issuer-key.json'), 'utf8')) as JWK;
  return { key: (await importJWK(jwk, 'ES256')) as CryptoKey, kid: jwk.kid ?? '' };
}

function token(claims: JWTPayload, header: { alg: string; kid?: string }): SignJWT {
  return new SignJWT(claims)
    .setProtectedHeader(header)
    .setIssuer(issuer.issuer)
    .setAudience(issuer.audience)
    .setIssuedAt()
    .setExpirationTime('1h');
}

/** Refused with this message and status, and the message does not give the token back. */
async function refused(token: string, message: string | RegExp, status = 401, check = verify): Promise<void> {
  await assert.rejects(check(token), (error: unknown) => {
    assert.ok(error instanceof AuthError, `expected an AuthError, got ${String(error)}`);
    if (typeof message === 'string') {
      assert.equal(error.message, message);
    } else {
      assert.match(error.message, message);
    }
    assert.equal(error.status, status);
    const payload = token.split('.')[1] ?? token;
    assert.ok(payload === '' || !error.message.includes(payload), 'the message echoes the token');
    return true;
  });
}

/** The token's `exp`, in ms: the principal carries it, so a subscription can end at it. */
const expiresAtOf = (jwt: string) =>
  (JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString()) as { exp: number }).exp * 1000;

test('an operator token verifies as an operator, shown by email, with its expiry', async () => {
  const jwt = await issuer.sign({ sub: 'u-1', roles: ['noc', 'operator'], email: 'ada@example.com' });
  assert.deepEqual(await verify(jwt), {
    kind: 'staff',
    id: 'u-1',
    role: 'operator',
    display: 'ada@example.com',
    expiresAt: expiresAtOf(jwt),
  });
});

test('a noc token verifies as noc, shown by subject when it has no email or name', async () => {
  const jwt = await issuer.sign({ sub: 'u-2', roles: ['noc', 'unrelated'] });
  assert.deepEqual(await verify(jwt), {
    kind: 'staff',
    id: 'u-2',
    role: 'noc',
    display: 'u-2',
    expiresAt: expiresAtOf(jwt),
  });
});

test('the name claim is shown when there is no email', async () => {
  const { key, kid } = await issuerKey();
  const jwt = await token({ roles: ['noc'], name: 'Grace' }, { alg: 'ES256', kid })
    .setSubject('u-3')
    .sign(key);
  assert.deepEqual(await verify(jwt), {
    kind: 'staff',
    id: 'u-3',
    role: 'noc',
    display: 'Grace',
    expiresAt: expiresAtOf(jwt),
  });
});

test('roles given as a space-separated string count', async () => {
  const { key, kid } = await issuerKey();
  const jwt = await token({ roles: 'viewer operator' }, { alg: 'ES256', kid }).setSubject('u-4').sign(key);
  assert.equal(((await verify(jwt)) as { role: string }).role, 'operator');
});

test('an expired token is refused as expired', async () => {
  // Past the 30 s clock tolerance.
  const jwt = await issuer.sign({ sub: 'u-1', roles: ['operator'], ttlSeconds: -120 });
  await refused(jwt, 'bearer token expired');
});

test('a token just past expiry is still accepted within the clock tolerance', async () => {
  const jwt = await issuer.sign({ sub: 'u-1', roles: ['operator'], ttlSeconds: -5 });
  assert.equal(((await verify(jwt)) as { id: string }).id, 'u-1');
});

test('a token for another audience is refused', async () => {
  const jwt = await issuer.sign({ sub: 'u-1', roles: ['operator'] });
  const other = staffTokenVerifier({ ...issuer.config, audience: 'another-api' });
  await refused(jwt, 'bearer token is not meant for this API (audience)', 401, other);
});

test('a token from an untrusted issuer is refused', async () => {
  const jwt = await issuer.sign({ sub: 'u-1', roles: ['operator'] });
  const other = staffTokenVerifier({ ...issuer.config, issuer: 'https://login.example.com' });
  await refused(jwt, 'bearer token issuer is not trusted', 401, other);
});

test('a token signed by another key under the issuer key id is refused as a bad signature', async () => {
  const { kid } = await issuerKey();
  const { privateKey } = await generateKeyPair('ES256');
  const jwt = await token({ roles: ['operator'] }, { alg: 'ES256', kid })
    .setSubject('u-1')
    .sign(privateKey);
  await refused(jwt, 'bearer token signature is invalid');
});

test('a token signed by a key the issuer does not publish is refused', async () => {
  const { privateKey } = await generateKeyPair('ES256');
  const jwt = await token({ roles: ['operator'] }, { alg: 'ES256', kid: 'not-published' })
    .setSubject('u-1')
    .sign(privateKey);
  await refused(jwt, 'bearer token is signed with a key the issuer does not publish');
});

test('an HS256 token is refused even with the right claims', async () => {
  const jwt = await token({ roles: ['operator'] }, { alg: 'HS256' })
    .setSubject('u-1')
    .sign(new TextEncoder().encode('a-shared-secret-anyone-could-know-0123456789'));
  await refused(jwt, 'bearer token signing algorithm is not allowed');
});

test('an unsigned (alg none) token is refused', async () => {
  const jwt = new UnsecuredJWT({ roles: ['operator'] })
    .setSubject('u-1')
    .setIssuer(issuer.issuer)
    .setAudience(issuer.audience)
    .setExpirationTime('1h')
    .encode();
  await refused(jwt, /^bearer token (signing algorithm is not allowed|is malformed)$/);
});

test('garbage and empty tokens are refused as malformed', async () => {
  await refused('not-a-jwt', 'bearer token is malformed');
  await refused('', 'bearer token is malformed');
});

test('a token without a staff role is refused with 403', async () => {
  const jwt = await issuer.sign({ sub: 'u-1', roles: ['viewer'] });
  await refused(jwt, 'token has no SMART Fleet role (operator or noc) in claim roles', 403);
});

test('a token without a subject is refused', async () => {
  const { key, kid } = await issuerKey();
  const jwt = await token({ roles: ['operator'] }, { alg: 'ES256', kid }).sign(key);
  await refused(jwt, 'bearer token has no subject');
});

test('a token without an expiry is refused', async () => {
  const { key, kid } = await issuerKey();
  const jwt = await new SignJWT({ roles: ['operator'] })
    .setProtectedHeader({ alg: 'ES256', kid })
    .setIssuer(issuer.issuer)
    .setAudience(issuer.audience)
    .setSubject('u-1')
    .sign(key);
  await refused(jwt, 'bearer token has no valid expiry');
});

test('inline keys and a custom roles claim work', async () => {
  const { publicKey, privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
  const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'EdDSA' };
  const claim = 'https://smartfleet.io/roles';
  const check = staffTokenVerifier({
    issuer: 'https://login.example.com',
    audience: 'smart-fleet-api',
    jwks: { keys: [jwk] },
    rolesClaim: claim,
  });
  const jwt = await new SignJWT({ [claim]: ['noc'], roles: ['operator'] })
    .setProtectedHeader({ alg: 'EdDSA', kid: 'k1' })
    .setIssuer('https://login.example.com')
    .setAudience('smart-fleet-api')
    .setSubject('u-9')
    .setExpirationTime('1h')
    .sign(privateKey);
  assert.equal(((await check(jwt)) as { role: string }).role, 'noc');
});

test('giving both jwksUrl and jwks is a configuration error', () => {
  assert.throws(
    () => staffTokenVerifier({ ...issuer.config, jwks: { keys: [] } }),
    /jwksUrl or jwks, not both/,
  );
});

test('with neither jwksUrl nor jwks the keys are found through discovery', async () => {
  const discovered = staffTokenVerifier({ issuer: issuer.issuer, audience: issuer.audience });
  const jwt = await issuer.sign({ sub: 'u-5', roles: ['noc'] });
  assert.equal(((await discovered(jwt)) as { id: string }).id, 'u-5');
});

test('an unreachable identity provider is a 503, not the caller’s fault', async () => {
  const down = staffTokenVerifier({ issuer: 'http://127.0.0.1:1', audience: issuer.audience });
  const jwt = await issuer.sign({ sub: 'u-1', roles: ['operator'] });
  await refused(jwt, 'bearer token could not be checked: the identity provider is unavailable', 503, down);
});

test('the issuer publishes discovery and only the public key, and nothing else', async () => {
  const discovery = (await (await fetch(`${issuer.issuer}/.well-known/openid-configuration`)).json()) as {
    issuer: string;
    jwks_uri: string;
    id_token_signing_alg_values_supported: string[];
  };
  assert.equal(discovery.issuer, issuer.issuer);
  assert.deepEqual(discovery.id_token_signing_alg_values_supported, ['ES256']);
  const jwks = (await (await fetch(discovery.jwks_uri)).json()) as { keys: JWK[] };
  assert.equal(jwks.keys.length, 1);
  const [published] = jwks.keys;
  const jwt = await issuer.sign({ sub: 'u-1', roles: ['operator'] });
  assert.equal(published?.kid, decodeProtectedHeader(jwt).kid);
  assert.equal(published?.d, undefined, 'the JWKS leaks the private key');
  assert.equal((await fetch(`${issuer.issuer}/anything-else`)).status, 404);
});

test('the private key file is readable by its owner only', () => {
  assert.equal(statSync(join(dir, 'dev-issuer-key.json')).mode & 0o777, 0o600);
});

test('the key survives a restart: a token from before still verifies', async () => {
  const port = Number(new URL(issuer.issuer).port);
  const jwt = await issuer.sign({ sub: 'u-7', roles: ['operator'] });
  await issuer.stop();
  issuer = await startDevIssuer({ dir, port });
  // A fresh verifier, so the keys come from the restarted issuer, not a cache.
  const fresh = staffTokenVerifier(issuer.config);
  assert.equal(((await fresh(jwt)) as { id: string }).id, 'u-7');
});

test('a verified token is answered from memory while valid; another token is verified afresh', async () => {
  const check = staffTokenVerifier(issuer.config);
  const first = await issuer.sign({ sub: 'olivia', roles: ['operator'] });
  const second = await issuer.sign({ sub: 'nam', roles: ['noc'] });
  const once = await check(first);
  assert.equal(await check(first), once, 'the same principal object: no second verification');
  const other = await check(second);
  assert.notEqual(other, once);
  assert.equal((other as { id: string }).id, 'nam');
});
