import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import {
  EnvelopeError,
  isSealedKey,
  openContentKey,
  parseKek,
  resealContentKey,
  type SealedKey,
  sealContentKey,
} from './envelope.ts';

const kek = randomBytes(32);
const kekId = 'kek-2026-01';
const keks = new Map([[kekId, kek]]);
const contentKey = randomBytes(16);
const context = 'studio-a/night-train/hd-20m/3f0c6c1e-8a52-4d43-9f39-6f1c2f0b9a11';

/** Every representation of secret bytes that must never leak into a message or a record. */
function forms(bytes: Buffer): string[] {
  return [bytes.toString('hex'), bytes.toString('base64'), bytes.toString('base64url')];
}

function assertNoLeak(text: string, ...secrets: Buffer[]): void {
  for (const secret of secrets) {
    for (const form of forms(secret)) {
      assert.ok(!text.includes(form), `leaked ${form.slice(0, 6)}... in: ${text}`);
    }
  }
}

/** Flips one bit of a base64 field, keeping its length so only authentication can catch it. */
function flip(value: string): string {
  const bytes = Buffer.from(value, 'base64');
  bytes[0] = (bytes[0] ?? 0) ^ 0x01;
  return bytes.toString('base64');
}

function errorOf(fn: () => unknown): EnvelopeError {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof EnvelopeError, `expected an EnvelopeError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected it to throw');
}

describe('sealContentKey / openContentKey', () => {
  it('round-trips and the record is JSON without the key bytes', () => {
    const sealed = sealContentKey({ kek, kekId, contentKey, context });
    const json = JSON.stringify(sealed);
    const reparsed = JSON.parse(json) as SealedKey;
    assert.deepEqual(openContentKey({ keks, sealed: reparsed, context }), contentKey);
    assert.deepEqual(Object.keys(sealed).sort(), ['alg', 'ciphertext', 'iv', 'kekId', 'tag', 'version']);
    assert.equal(sealed.alg, 'AES-256-GCM');
    assert.equal(sealed.version, 1);
    assert.equal(Buffer.from(sealed.iv, 'base64').length, 12);
    assert.equal(Buffer.from(sealed.tag, 'base64').length, 16);
    assertNoLeak(json, contentKey, kek);
  });

  it('uses a fresh IV each time, so sealing the same key twice gives different records', () => {
    const a = sealContentKey({ kek, kekId, contentKey, context });
    const b = sealContentKey({ kek, kekId, contentKey, context });
    assert.notEqual(a.iv, b.iv);
    assert.notEqual(a.ciphertext, b.ciphertext);
  });

  const tamperings: { name: string; tamper: (s: SealedKey) => SealedKey }[] = [
    { name: 'ciphertext', tamper: (s) => ({ ...s, ciphertext: flip(s.ciphertext) }) },
    { name: 'tag', tamper: (s) => ({ ...s, tag: flip(s.tag) }) },
    { name: 'iv', tamper: (s) => ({ ...s, iv: flip(s.iv) }) },
  ];
  for (const { name, tamper } of tamperings) {
    it(`refuses a record whose ${name} was changed`, () => {
      const sealed = tamper(sealContentKey({ kek, kekId, contentKey, context }));
      const error = errorOf(() => openContentKey({ keks, sealed, context }));
      assert.equal(error.code, 'unauthenticated');
      assert.match(error.message, /failed authentication/);
      assertNoLeak(error.message, contentKey, kek);
    });
  }

  const contexts: { name: string; context: string }[] = [
    { name: 'another title', context: context.replace('night-train', 'day-train') },
    { name: 'another rendition', context: context.replace('hd-20m', 'sd-2m') },
    { name: 'another keyId', context: context.replace('3f0c', '3f0d') },
    { name: 'another namespace', context: context.replace('studio-a', 'studio-b') },
  ];
  for (const wrong of contexts) {
    it(`refuses to open a key moved to ${wrong.name}`, () => {
      const sealed = sealContentKey({ kek, kekId, contentKey, context });
      const error = errorOf(() => openContentKey({ keks, sealed, context: wrong.context }));
      assert.equal(error.code, 'unauthenticated');
      assert.ok(error.message.includes(wrong.context));
    });
  }

  it('refuses a record relabelled with another kekId even when that KEK is the same bytes', () => {
    // The kekId is authenticated too: a record cannot be made to claim another KEK.
    const sealed = sealContentKey({ kek, kekId, contentKey, context });
    const both = new Map([
      [kekId, kek],
      ['alias', kek],
    ]);
    const error = errorOf(() =>
      openContentKey({ keks: both, sealed: { ...sealed, kekId: 'alias' }, context }),
    );
    assert.equal(error.code, 'unauthenticated');
  });

  it('names an unknown kekId (and the loaded ones) without any key bytes', () => {
    const sealed = sealContentKey({ kek, kekId, contentKey, context });
    const other = randomBytes(32);
    const error = errorOf(() => openContentKey({ keks: new Map([['kek-2027-01', other]]), sealed, context }));
    assert.equal(error.code, 'unknown-kek');
    assert.match(error.message, /"kek-2026-01"/);
    assert.match(error.message, /"kek-2027-01"/);
    assertNoLeak(error.message, contentKey, kek, other);
  });

  const malformed: { name: string; change: Partial<Record<keyof SealedKey, unknown>> }[] = [
    { name: 'a short iv', change: { iv: randomBytes(8).toString('base64') } },
    { name: 'a short tag', change: { tag: randomBytes(12).toString('base64') } },
    { name: 'an empty ciphertext', change: { ciphertext: '' } },
    { name: 'non-base64 ciphertext', change: { ciphertext: 'not base64!' } },
    { name: 'another version', change: { version: 2 } },
    { name: 'another algorithm', change: { alg: 'AES-128-GCM' } },
  ];
  for (const { name, change } of malformed) {
    it(`reports ${name} as malformed`, () => {
      const sealed = { ...sealContentKey({ kek, kekId, contentKey, context }), ...change } as SealedKey;
      assert.equal(isSealedKey(sealed), false);
      assert.equal(errorOf(() => openContentKey({ keks, sealed, context })).code, 'malformed');
    });
  }

  it('refuses a KEK that is not 32 bytes, without echoing it', () => {
    const short = randomBytes(16);
    const error = errorOf(() => sealContentKey({ kek: short, kekId, contentKey, context }));
    assert.equal(error.code, 'invalid-kek');
    assertNoLeak(error.message, short, contentKey);
  });
});

describe('KEK rotation', () => {
  it('opens with an old kekId still loaded and reseals under the new KEK', () => {
    const oldKek = randomBytes(32);
    const newKek = randomBytes(32);
    const sealedOld = sealContentKey({ kek: oldKek, kekId: 'old', contentKey, context });
    const during = new Map([
      ['old', oldKek],
      ['new', newKek],
    ]);
    assert.deepEqual(openContentKey({ keks: during, sealed: sealedOld, context }), contentKey);

    const sealedNew = resealContentKey({
      keks: during,
      sealed: sealedOld,
      context,
      kek: newKek,
      kekId: 'new',
    });
    assert.equal(sealedNew.kekId, 'new');
    // Once every record is resealed the old KEK can go: the new record opens without it...
    assert.deepEqual(
      openContentKey({ keks: new Map([['new', newKek]]), sealed: sealedNew, context }),
      contentKey,
    );
    // ...and records still under the old KEK no longer open.
    const error = errorOf(() =>
      openContentKey({ keks: new Map([['new', newKek]]), sealed: sealedOld, context }),
    );
    assert.equal(error.code, 'unknown-kek');
  });
});

describe('parseKek', () => {
  it('accepts base64 of 32 bytes, with a trailing newline as mounted files have', () => {
    const bytes = randomBytes(32);
    assert.deepEqual(parseKek(`${bytes.toString('base64')}\n`), bytes);
  });

  const bad: { name: string; text: string; message: RegExp }[] = [
    { name: '16 bytes', text: randomBytes(16).toString('base64'), message: /decodes to 16 bytes/ },
    { name: '33 bytes', text: randomBytes(33).toString('base64'), message: /decodes to 33 bytes/ },
    { name: 'an empty value', text: '', message: /decodes to 0 bytes/ },
    { name: 'hex', text: randomBytes(32).toString('hex'), message: /decodes to 48 bytes/ },
    {
      name: 'junk characters',
      text: `${randomBytes(32).toString('base64').slice(0, 40)}!!!=`,
      message: /not valid base64/,
    },
  ];
  for (const { name, text, message } of bad) {
    it(`refuses ${name} without echoing the value`, () => {
      const error = errorOf(() => parseKek(text));
      assert.equal(error.code, 'invalid-kek');
      assert.match(error.message, message);
      if (text.length > 0) {
        assert.ok(!error.message.includes(text.trim()));
      }
    });
  }
});
