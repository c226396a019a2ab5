import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { before, describe, it } from 'node:test';
import { SignJWT, UnsecuredJWT } from 'jose';
import {
  DENIAL_REASONS,
  type DenialReason,
  ENTITLEMENT_AUDIENCE,
  ENTITLEMENT_ISSUER,
  type EntitlementExpectations,
  type EntitlementGrant,
  EntitlementGrantError,
  issueEntitlement,
  MAX_ENTITLEMENT_TTL_SECONDS,
  verifyEntitlement,
} from './entitlement.ts';
import {
  type EntitlementKeys,
  type EntitlementSigner,
  entitlementKeys,
  generateEntitlementSigner,
  publicKeySet,
} from './entitlement-keys.ts';

const now = new Date('2026-12-01T09:00:00.000Z');
const minutes = (n: number) => new Date(now.getTime() + n * 60_000);
const kid1 = randomUUID();
const kid2 = randomUUID();

let signer: EntitlementSigner;
let keys: EntitlementKeys;

const grant = (over: Partial<EntitlementGrant> = {}): EntitlementGrant => ({
  subscriber: 'subscriber-42',
  tenant: 'public-broadcaster',
  title: 'seoul-by-night',
  site: 'apt-gangnam-1',
  kids: [kid1, kid2],
  ttlSeconds: 300,
  now,
  ...over,
});
const expect = (over: Partial<EntitlementExpectations> = {}): EntitlementExpectations => ({
  now,
  site: 'apt-gangnam-1',
  tenant: 'public-broadcaster',
  title: 'seoul-by-night',
  kids: [kid1],
  ...over,
});

async function reasonOf(token: string, expected = expect(), with_ = keys): Promise<DenialReason | 'ok'> {
  const verdict = await verifyEntitlement(token, with_, expected);
  return verdict.ok ? 'ok' : verdict.reason;
}

/** A token our signer signs with whatever claims a test needs (issueEntitlement would refuse them). */
function rawToken(claims: Record<string, unknown>, iat: number, exp: number): Promise<string> {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: signer.alg, kid: signer.kid })
    .setIssuer(ENTITLEMENT_ISSUER)
    .setAudience(ENTITLEMENT_AUDIENCE)
    .setSubject('subscriber-42')
    .setJti(randomUUID())
    .setIssuedAt(iat)
    .setExpirationTime(exp)
    .sign(signer.privateKey);
}

before(async () => {
  signer = await generateEntitlementSigner('hub-2026-12');
  keys = entitlementKeys(publicKeySet([signer]));
});

describe('issueEntitlement / verifyEntitlement', () => {
  it('verifies a token it issued, with every claim', async () => {
    const token = await issueEntitlement(signer, grant({ jti: 'token-1', kids: [kid1.toUpperCase()] }));
    const verdict = await verifyEntitlement(token, keys, expect({ now: minutes(4) }));
    assert.ok(verdict.ok);
    const iat = now.getTime() / 1000;
    assert.deepEqual(verdict.claims, {
      iss: ENTITLEMENT_ISSUER,
      aud: ENTITLEMENT_AUDIENCE,
      sub: 'subscriber-42',
      tenant: 'public-broadcaster',
      title: 'seoul-by-night',
      site: 'apt-gangnam-1',
      kids: [kid1],
      iat,
      exp: iat + 300,
      jti: 'token-1',
    });
  });

  it('signs with EdDSA as well, and names its key in the header', async () => {
    const ed = await generateEntitlementSigner('hub-ed', 'EdDSA');
    const token = await issueEntitlement(ed, grant());
    const header = JSON.parse(Buffer.from(token.split('.')[0] ?? '', 'base64url').toString('utf8'));
    assert.deepEqual(header, { alg: 'EdDSA', kid: 'hub-ed', typ: 'JWT' });
    assert.equal(await reasonOf(token, expect(), entitlementKeys(publicKeySet([signer, ed]))), 'ok');
    assert.equal(await reasonOf(token), 'bad-signature', 'a verifier without that key refuses it');
  });
});

describe('every denial reason', () => {
  const cases: {
    reason: DenialReason;
    name: string;
    token: () => Promise<string>;
    expected?: () => EntitlementExpectations;
  }[] = [
    {
      reason: 'expired',
      name: 'past exp (and the tolerance)',
      token: () => issueEntitlement(signer, grant()),
      expected: () => expect({ now: minutes(6) }),
    },
    {
      reason: 'bad-signature',
      name: 'signed by another key under the same kid',
      token: async () => issueEntitlement({ ...(await generateEntitlementSigner(signer.kid)) }, grant()),
    },
    {
      reason: 'bad-signature',
      name: 'a payload changed after signing',
      token: async () => {
        const [h, p, s] = (await issueEntitlement(signer, grant())).split('.');
        const claims = JSON.parse(Buffer.from(p ?? '', 'base64url').toString('utf8'));
        const forged = Buffer.from(JSON.stringify({ ...claims, tenant: 'other-tenant' })).toString(
          'base64url',
        );
        return `${h}.${forged}.${s}`;
      },
    },
    {
      reason: 'bad-signature',
      name: 'another issuer',
      token: () => issueEntitlement(signer, grant({ issuer: 'someone-else' })),
    },
    {
      reason: 'bad-signature',
      name: 'an HMAC token naming our kid',
      token: () =>
        new SignJWT({})
          .setProtectedHeader({ alg: 'HS256', kid: signer.kid })
          .sign(new TextEncoder().encode('x'.repeat(32))),
    },
    {
      reason: 'wrong-audience',
      name: 'another audience',
      token: () => issueEntitlement(signer, grant({ audience: 'smartfleet.io/api' })),
    },
    {
      reason: 'wrong-tenant',
      name: 'another tenant',
      token: () => issueEntitlement(signer, grant({ tenant: 'other-tenant' })),
    },
    {
      reason: 'wrong-title',
      name: 'another title',
      token: () => issueEntitlement(signer, grant({ title: 'other-title' })),
    },
    {
      reason: 'wrong-site',
      name: 'another site',
      token: () => issueEntitlement(signer, grant({ site: 'hotel-busan-2' })),
    },
    {
      reason: 'kid-not-entitled',
      name: 'a key it does not list',
      token: () => issueEntitlement(signer, grant({ kids: [kid2] })),
    },
    {
      reason: 'revoked',
      name: 'a key revoked after issue',
      token: () => issueEntitlement(signer, grant()),
      expected: () => expect({ revokedKeyIds: new Set([kid1]) }),
    },
    {
      reason: 'revoked',
      name: 'a revoked token',
      token: () => issueEntitlement(signer, grant({ jti: 'leaked' })),
      expected: () => expect({ revokedTokenIds: new Set(['leaked']) }),
    },
    { reason: 'malformed', name: 'not a JWT', token: async () => 'not.a.jwt' },
    { reason: 'malformed', name: 'an empty token', token: async () => '' },
    { reason: 'malformed', name: 'a token over the length limit', token: async () => 'a'.repeat(5000) },
    {
      reason: 'bad-signature',
      name: 'an unsigned (alg none) token',
      token: async () => new UnsecuredJWT({ tenant: 'x' }).encode(),
    },
    {
      reason: 'malformed',
      name: 'a signed token without our claims',
      token: () =>
        rawToken({ tenant: 'public-broadcaster' }, now.getTime() / 1000, now.getTime() / 1000 + 60),
    },
    {
      reason: 'malformed',
      name: 'a token living longer than entitlements may',
      token: () =>
        rawToken(
          { tenant: 'public-broadcaster', title: 'seoul-by-night', site: 'apt-gangnam-1', kids: [kid1] },
          now.getTime() / 1000,
          now.getTime() / 1000 + MAX_ENTITLEMENT_TTL_SECONDS + 60,
        ),
    },
    {
      reason: 'malformed',
      name: 'a token issued in the future',
      token: () => issueEntitlement(signer, grant({ now: minutes(5) })),
    },
  ];
  for (const c of cases) {
    it(`${c.reason}: ${c.name}`, async () => {
      assert.equal(await reasonOf(await c.token(), c.expected?.() ?? expect()), c.reason);
    });
  }

  it('covers every reason, and says 401 for a bad token, 403 for a good one that does not cover this', async () => {
    assert.deepEqual(new Set(cases.map((c) => c.reason)), new Set(DENIAL_REASONS));
    const expired = await verifyEntitlement(
      await issueEntitlement(signer, grant()),
      keys,
      expect({ now: minutes(60) }),
    );
    assert.ok(!expired.ok && expired.status === 401 && expired.claims?.title === 'seoul-by-night');
    const site = await verifyEntitlement(
      await issueEntitlement(signer, grant({ site: 'x' })),
      keys,
      expect(),
    );
    assert.ok(!site.ok && site.status === 403);
    assert.match(site.ok ? '' : site.message, /for site x, not apt-gangnam-1/);
  });

  it('still accepts a token within the clock tolerance of its exp', async () => {
    const token = await issueEntitlement(signer, grant());
    assert.equal(await reasonOf(token, expect({ now: new Date(minutes(5).getTime() + 20_000) })), 'ok');
  });
});

describe('issueEntitlement refuses grants out of bounds', () => {
  const bad: [string, Partial<EntitlementGrant>, RegExp][] = [
    ['a lifetime over 15 minutes', { ttlSeconds: MAX_ENTITLEMENT_TTL_SECONDS + 1 }, /ttlSeconds/],
    ['no keys', { kids: [] }, /1 to 16 key ids/],
    ['17 keys', { kids: Array.from({ length: 17 }, () => randomUUID()) }, /1 to 16 key ids/],
    ['a key id that is not a UUID', { kids: ['k1'] }, /is not a UUID/],
    ['a tenant that is not a name', { tenant: 'Public Broadcaster' }, /tenant must be an object name/],
    ['no subscriber', { subscriber: '' }, /subscriber/],
  ];
  for (const [name, over, message] of bad) {
    it(name, async () => {
      await assert.rejects(
        issueEntitlement(signer, grant(over)),
        (e: Error) => e instanceof EntitlementGrantError && message.test(e.message),
      );
    });
  }
});

describe('entitlementKeys', () => {
  it('refuses private keys, symmetric keys, keys without kid or alg, and duplicate kids', async () => {
    const pub = signer.publicJwk;
    const sets: [unknown, RegExp][] = [
      [{ keys: [{ ...pub, d: 'secret' }] }, /public keys only/],
      [{ keys: [{ kty: 'oct', k: 'c2VjcmV0', kid: 'h', alg: 'ES256' }] }, /public keys only/],
      [{ keys: [{ ...pub, kid: undefined }] }, /needs a kid/],
      [{ keys: [{ ...pub, alg: 'HS256' }] }, /alg must be one of ES256, EdDSA/],
      [{ keys: [pub, pub] }, /same kid/],
      [{ keys: [] }, /1 to 16 keys/],
      [null, /1 to 16 keys/],
    ];
    for (const [set, message] of sets) {
      assert.throws(() => entitlementKeys(set), message);
    }
  });
});
