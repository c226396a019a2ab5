import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import { HttpError } from '../http/json-http.ts';
import {
  clearKeyLicense,
  hlsKeyId,
  keyIdToKid,
  kidToKeyId,
  MAX_KIDS_PER_REQUEST,
  parseClearKeyRequest,
} from './license-protocol.ts';

describe('ClearKey key ids', () => {
  it('writes a key id as base64url of its 16 bytes, without padding, and reads it back', () => {
    const keyId = randomUUID();
    const kid = keyIdToKid(keyId);
    assert.equal(kid.length, 22);
    assert.doesNotMatch(kid, /[=+/]/);
    assert.equal(Buffer.from(kid, 'base64url').toString('hex'), keyId.replace(/-/g, ''));
    assert.equal(kidToKeyId(kid), keyId);
  });

  it('refuses kids that are not exactly 16 bytes of base64url', () => {
    const kid = keyIdToKid(randomUUID());
    // 22 characters hold 132 bits; a last character whose low 4 bits are set spells no 16 bytes.
    const nonCanonical = `${kid.slice(0, 21)}B`;
    for (const bad of ['', `${kid}==`, kid.slice(1), `${kid.slice(0, 21)}+`, `${kid}A`, nonCanonical]) {
      assert.equal(kidToKeyId(bad), undefined, bad);
    }
  });
});

describe('parseClearKeyRequest', () => {
  const a = randomUUID();
  const b = randomUUID();
  it('reads the kids as key ids, each once, in order', () => {
    const kids = [keyIdToKid(a), keyIdToKid(b), keyIdToKid(a)];
    assert.deepEqual(parseClearKeyRequest({ kids, type: 'temporary' }), [a, b]);
    assert.deepEqual(parseClearKeyRequest({ kids: [keyIdToKid(b)] }), [b], 'type defaults to temporary');
  });

  const refused: [string, Record<string, unknown>, number, string][] = [
    ['no kids', {}, 400, 'malformed'],
    ['an empty list', { kids: [] }, 400, 'malformed'],
    ['a kid that is not base64url of 16 bytes', { kids: ['abc'] }, 400, 'malformed'],
    [
      'a persistent license',
      { kids: [keyIdToKid(a)], type: 'persistent-license' },
      400,
      'unsupported-license-type',
    ],
    [
      'too many kids',
      { kids: Array.from({ length: MAX_KIDS_PER_REQUEST + 1 }, () => keyIdToKid(randomUUID())) },
      413,
      'too-many-kids',
    ],
  ];
  for (const [name, body, status, code] of refused) {
    it(`refuses ${name} (${status} ${code})`, () => {
      assert.throws(
        () => parseClearKeyRequest(body),
        (e: unknown) => e instanceof HttpError && e.status === status && e.code === code,
      );
    });
  }
});

describe('clearKeyLicense / hlsKeyId', () => {
  it('answers in the W3C ClearKey format', () => {
    const keyId = randomUUID();
    const key = randomBytes(16);
    assert.deepEqual(clearKeyLicense([{ keyId, key }]), {
      keys: [{ kty: 'oct', kid: keyIdToKid(keyId), k: key.toString('base64url') }],
      type: 'temporary',
    });
  });

  it('reads an HLS key path in either key id form, and nothing else', () => {
    const keyId = randomUUID();
    assert.equal(hlsKeyId(`/keys/hls/${keyId}`), keyId);
    assert.equal(hlsKeyId(`/keys/hls/${keyId.replace(/-/g, '').toUpperCase()}`), keyId);
    assert.equal(hlsKeyId(`/keys/hls/${keyId}/x`), undefined);
    assert.equal(hlsKeyId(`/keys/hls/../${keyId}`), undefined);
    assert.equal(hlsKeyId(`/keys/${keyId}`), undefined);
  });
});
