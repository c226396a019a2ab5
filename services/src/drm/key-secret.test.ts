import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { openContentKey, type SealedKey, sealContentKey } from './envelope.ts';
import { type KeyRecord, newContentKey, planKeys } from './key-plan.ts';
import {
  buildKeySecret,
  contentKeyContext,
  DRM_KEYS_SECRET_TYPE,
  type KeySecret,
  type KeySecretOptions,
  parseKeySecret,
} from './key-secret.ts';

const kek = randomBytes(32);
const kekId = 'kek-1';
const keks = new Map([[kekId, kek]]);
const now = new Date('2026-06-01T12:00:00.000Z');
const titleRef = {
  name: 'night-train',
  namespace: 'studio-a',
  uid: '5d1c7e36-0d6f-4b8e-9d59-1c9a4b8f2e10',
  owner: 'public-broadcaster',
};
const policyRef = { name: 'premium', algorithm: 'AES-128-CTR' as const };

interface Fixture {
  options: KeySecretOptions;
  plaintext: Map<string, Buffer>;
}

/** A title with per-rendition keys, one of them rotated (retired + active) and one revoked. */
function fixture(): Fixture {
  const first = planKeys({
    policy: { keyScope: 'per-rendition', rotationDays: 30, licenseDurationHours: 48 },
    title: { name: titleRef.name, renditions: ['sd-2m', 'hd-8m'] },
    keys: [],
    now: new Date(now.getTime() - 31 * 24 * 3600 * 1000),
  });
  const second = planKeys({
    policy: { keyScope: 'per-rendition', rotationDays: 30, licenseDurationHours: 48 },
    title: { name: titleRef.name, renditions: ['sd-2m', 'hd-8m'] },
    keys: first.keys,
    now,
    revoked: new Set([first.keys[1]?.keyId ?? '']),
  });
  const plaintext = new Map<string, Buffer>();
  const sealed = new Map<string, SealedKey>();
  for (const key of second.keys) {
    const contentKey = newContentKey();
    plaintext.set(key.keyId, contentKey);
    const context = contentKeyContext({ namespace: titleRef.namespace, title: titleRef.name, key });
    sealed.set(key.keyId, sealContentKey({ kek, kekId, contentKey, context }));
  }
  return { options: { title: titleRef, policy: policyRef, keys: second.keys, sealed }, plaintext };
}

function decodedKeysJson(secret: KeySecret): string {
  return Buffer.from(secret.data['keys.json'] ?? '', 'base64').toString('utf8');
}

describe('buildKeySecret', () => {
  it('names, labels and owns the Secret after the title', () => {
    const { options } = fixture();
    const secret = buildKeySecret(options);
    assert.equal(secret.metadata.name, 'night-train-drm-keys');
    assert.equal(secret.metadata.namespace, 'studio-a');
    assert.equal(secret.type, DRM_KEYS_SECRET_TYPE);
    assert.equal(secret.type, 'smartfleet.io/drm-content-keys');
    assert.deepEqual(secret.metadata.labels, {
      'smartfleet.io/title': 'night-train',
      'smartfleet.io/drm-policy': 'premium',
    });
    assert.deepEqual(secret.metadata.ownerReferences, [
      {
        apiVersion: 'smartfleet.io/v1alpha1',
        kind: 'ContentTitle',
        name: 'night-train',
        uid: titleRef.uid,
        controller: true,
        blockOwnerDeletion: true,
      },
    ]);
    const active = options.keys.filter((k) => k.state === 'active').map((k) => k.keyId);
    assert.equal(active.length, 2);
    assert.equal(secret.metadata.annotations['smartfleet.io/active-key-ids'], active.join(','));
    assert.deepEqual(Object.keys(secret.data), ['keys.json']);
  });

  it('holds no plaintext key bytes, in hex or base64, anywhere in the body', () => {
    const { options, plaintext } = fixture();
    // A caller that leaves the plaintext on a record must not get it stored.
    const careless = options.keys.map((k) => ({ ...k, contentKey: plaintext.get(k.keyId) }) as KeyRecord);
    const secret = buildKeySecret({ ...options, keys: careless });
    const haystacks = [JSON.stringify(secret), decodedKeysJson(secret)];
    assert.equal(plaintext.size, 4);
    for (const bytes of [...plaintext.values(), kek]) {
      for (const needle of [bytes.toString('hex'), bytes.toString('base64'), bytes.toString('base64url')]) {
        for (const haystack of haystacks) {
          assert.ok(!haystack.includes(needle), 'plaintext key material found in the Secret body');
        }
      }
    }
    assert.doesNotMatch(decodedKeysJson(secret), /contentKey/);
  });

  it('drops the sealed material of revoked keys but keeps their record', () => {
    const { options } = fixture();
    const parsed = parseKeySecret(buildKeySecret(options));
    const revoked = parsed.keys.filter((k) => k.state === 'revoked');
    assert.equal(revoked.length, 1);
    assert.equal(revoked[0]?.sealed, undefined);
    assert.ok(parsed.keys.filter((k) => k.state !== 'revoked').every((k) => k.sealed !== undefined));
  });

  it('refuses a live key without a sealed record, and a title without a uid', () => {
    const { options } = fixture();
    const live = options.keys.find((k) => k.state === 'active');
    const sealed = new Map(options.sealed);
    sealed.delete(live?.keyId ?? '');
    assert.throws(() => buildKeySecret({ ...options, sealed }), /has no valid sealed record/);
    assert.throws(() => buildKeySecret({ ...options, title: { ...titleRef, uid: '' } }), /has no uid/);
  });
});

describe('parseKeySecret', () => {
  it('round-trips, and every live key opens with its context', () => {
    const { options, plaintext } = fixture();
    const parsed = parseKeySecret(JSON.parse(JSON.stringify(buildKeySecret(options))));
    assert.equal(parsed.title, 'night-train');
    assert.equal(parsed.namespace, 'studio-a');
    assert.equal(parsed.tenant, 'public-broadcaster');
    assert.equal(parsed.policy, 'premium');
    assert.equal(parsed.algorithm, 'AES-128-CTR');
    assert.deepEqual(
      parsed.keys.map(({ sealed: _, ...record }) => record),
      options.keys,
    );
    for (const key of parsed.keys.filter((k) => k.sealed)) {
      const context = contentKeyContext({ namespace: parsed.namespace, title: parsed.title, key });
      const sealed = key.sealed as SealedKey;
      assert.deepEqual(openContentKey({ keks, sealed, context }), plaintext.get(key.keyId));
    }
  });

  it("refuses a sealed key copied into another title's Secret", () => {
    const { options } = fixture();
    const parsed = parseKeySecret(buildKeySecret(options));
    const key = parsed.keys.find((k) => k.sealed) as KeyRecord & { sealed: SealedKey };
    const elsewhere = contentKeyContext({ namespace: 'studio-a', title: 'day-train', key });
    assert.throws(
      () => openContentKey({ keks, sealed: key.sealed, context: elsewhere }),
      /failed authentication/,
    );
  });

  it('gives title keys and rendition keys distinct contexts', () => {
    const base = { keyId: 'k', target: 'night-train' };
    assert.equal(
      contentKeyContext({ namespace: 'ns', title: 'night-train', key: { ...base, scope: 'title' } }),
      'ns/night-train/*/k',
    );
    assert.equal(
      contentKeyContext({ namespace: 'ns', title: 'night-train', key: { ...base, scope: 'rendition' } }),
      'ns/night-train/night-train/k',
    );
  });

  const encode = (doc: unknown): string => Buffer.from(JSON.stringify(doc), 'utf8').toString('base64');
  type Doc = { keys: Record<string, unknown>[] } & Record<string, unknown>;

  it('reads a document written before the tenant was recorded, without one', () => {
    const secret = buildKeySecret(fixture().options);
    const { tenant: _, ...older } = JSON.parse(decodedKeysJson(secret)) as Doc;
    const parsed = parseKeySecret({ ...secret, data: { 'keys.json': encode(older) } });
    assert.equal(parsed.tenant, undefined);
    assert.equal(parsed.keys.length, 4);
  });
  const broken: { name: string; change: (s: KeySecret, doc: Doc) => KeySecret; message: RegExp }[] = [
    {
      name: 'another Secret type',
      change: (s) => ({ ...s, type: 'Opaque' }),
      message: /not smartfleet\.io\/drm-content-keys/,
    },
    { name: 'no keys.json', change: (s) => ({ ...s, data: {} }), message: /no keys\.json/ },
    {
      name: 'keys.json that is not JSON',
      change: (s) => ({ ...s, data: { 'keys.json': 'bm90IGpzb24=' } }),
      message: /not base64-encoded JSON/,
    },
    {
      name: 'another document version',
      change: (s, doc) => ({ ...s, data: { 'keys.json': encode({ ...doc, version: 2 }) } }),
      message: /not a version 1 keys document/,
    },
    {
      name: 'a title label that disagrees with the content',
      change: (s) => ({ ...s, metadata: { ...s.metadata, labels: { 'smartfleet.io/title': 'day-train' } } }),
      message: /labelled for title day-train but holds keys of night-train/,
    },
    {
      name: 'an active key without sealed material',
      change: (s, doc) => ({
        ...s,
        data: { 'keys.json': encode({ ...doc, keys: doc.keys.map((k) => ({ ...k, sealed: undefined })) }) },
      }),
      message: /has no valid sealed record/,
    },
    {
      name: 'a retired key without retiredAt',
      change: (s, doc) => ({
        ...s,
        data: {
          'keys.json': encode({
            ...doc,
            keys: doc.keys.map((k) => ({ ...k, state: 'retired', retiredAt: undefined })),
          }),
        },
      }),
      message: /retiredAt must be a non-empty string/,
    },
    {
      name: 'an empty tenant',
      change: (s, doc) => ({ ...s, data: { 'keys.json': encode({ ...doc, tenant: '' }) } }),
      message: /tenant must be a non-empty string/,
    },
    {
      name: 'an unknown state',
      change: (s, doc) => ({
        ...s,
        data: { 'keys.json': encode({ ...doc, keys: doc.keys.map((k) => ({ ...k, state: 'paused' })) }) },
      }),
      message: /state must be one of active, retired, revoked, got paused/,
    },
  ];
  for (const { name, change, message } of broken) {
    it(`refuses ${name}, naming the Secret`, () => {
      const secret = buildKeySecret(fixture().options);
      const doc = JSON.parse(decodedKeysJson(secret)) as Doc;
      const error = (() => {
        try {
          parseKeySecret(change(secret, doc));
        } catch (e) {
          return e as Error;
        }
        return assert.fail('expected parseKeySecret to throw');
      })();
      assert.match(error.message, message);
      assert.match(error.message, /Secret studio-a\/night-train-drm-keys/);
    });
  }
});
