/**
 * Envelope encryption of DRM content keys. A key-encryption key (KEK, 32 bytes, named by a
 * kekId) seals each content key with AES-256-GCM; only the sealed record is ever stored. The
 * additional authenticated data binds the record to its context (namespace/title/target/keyId),
 * so a sealed key copied into another title's Secret fails to open instead of silently serving
 * the wrong title's key. Key bytes never appear in errors: only kekIds and contexts, which are
 * names, not secrets.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

export const SEALED_KEY_VERSION = 1;
export const SEALED_KEY_ALG = 'AES-256-GCM';
export const KEK_BYTES = 32;
/** 96-bit IVs are what GCM is specified for; a fresh random one per seal. */
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** Domain label in the AAD, so these records cannot be confused with other GCM uses of a KEK. */
const AAD_LABEL = 'smartfleet.io/drm-content-key';

/** A content key sealed under a KEK: safe to store and to serialise (base64 fields). */
export interface SealedKey {
  version: typeof SEALED_KEY_VERSION;
  kekId: string;
  alg: typeof SEALED_KEY_ALG;
  iv: string;
  ciphertext: string;
  tag: string;
}

export type EnvelopeErrorCode = 'invalid-kek' | 'unknown-kek' | 'malformed' | 'unauthenticated';

/** Errors of this module; `code` lets callers tell a missing KEK from tampering without parsing text. */
export class EnvelopeError extends Error {
  readonly code: EnvelopeErrorCode;

  constructor(code: EnvelopeErrorCode, message: string) {
    super(message);
    this.name = 'EnvelopeError';
    this.code = code;
  }
}

export interface SealOptions {
  kek: Buffer;
  kekId: string;
  contentKey: Buffer;
  /** What the key belongs to, e.g. `namespace/title/rendition/keyId`; must match on open. */
  context: string;
}

export interface OpenOptions {
  /** Every KEK still able to open records, by kekId: the current one and those being rotated out. */
  keks: ReadonlyMap<string, Buffer>;
  sealed: SealedKey;
  context: string;
}

export interface ResealOptions extends OpenOptions {
  kek: Buffer;
  kekId: string;
}

/**
 * The AAD covers the version and kekId as well as the context: relabelling a record with another
 * kekId or version must fail authentication, not just pick another key. JSON keeps the parts
 * unambiguous whatever characters they contain.
 */
function aad(kekId: string, context: string): Buffer {
  return Buffer.from(JSON.stringify([AAD_LABEL, SEALED_KEY_VERSION, kekId, context]), 'utf8');
}

function checkKek(kek: Buffer, kekId: string): void {
  if (kek.length !== KEK_BYTES) {
    throw new EnvelopeError('invalid-kek', `KEK "${kekId}" must be ${KEK_BYTES} bytes, got ${kek.length}`);
  }
}

function checkKekId(kekId: string): void {
  if (kekId.length === 0) {
    throw new EnvelopeError('invalid-kek', 'kekId must not be empty');
  }
}

/** Seals a content key under the KEK, bound to its context. */
export function sealContentKey(options: SealOptions): SealedKey {
  const { kek, kekId, contentKey, context } = options;
  checkKekId(kekId);
  checkKek(kek, kekId);
  if (contentKey.length === 0) {
    throw new EnvelopeError('malformed', `content key for ${context} is empty`);
  }
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', kek, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(aad(kekId, context));
  const ciphertext = Buffer.concat([cipher.update(contentKey), cipher.final()]);
  return {
    version: SEALED_KEY_VERSION,
    kekId,
    alg: SEALED_KEY_ALG,
    iv: iv.toString('base64'),
    ciphertext: ciphertext.toString('base64'),
    tag: cipher.getAuthTag().toString('base64'),
  };
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Buffer.from(_, 'base64') skips junk silently; stored records must be exactly what was written. */
function strictBase64(value: unknown): Buffer | undefined {
  if (typeof value !== 'string' || !BASE64.test(value)) {
    return undefined;
  }
  return Buffer.from(value, 'base64');
}

interface DecodedSealed {
  iv: Buffer;
  ciphertext: Buffer;
  tag: Buffer;
}

function decodeSealed(sealed: SealedKey, context: string): DecodedSealed {
  const iv = strictBase64(sealed.iv);
  const ciphertext = strictBase64(sealed.ciphertext);
  const tag = strictBase64(sealed.tag);
  const shapeOk =
    sealed.version === SEALED_KEY_VERSION &&
    sealed.alg === SEALED_KEY_ALG &&
    iv?.length === IV_BYTES &&
    tag?.length === TAG_BYTES &&
    ciphertext !== undefined &&
    ciphertext.length > 0;
  if (!shapeOk || !iv || !tag || !ciphertext) {
    throw new EnvelopeError(
      'malformed',
      `sealed key for ${context} is malformed (want version ${SEALED_KEY_VERSION}, ${SEALED_KEY_ALG}, ` +
        `${IV_BYTES}-byte iv, ${TAG_BYTES}-byte tag, non-empty ciphertext)`,
    );
  }
  return { iv, ciphertext, tag };
}

/** Checks a record's shape without opening it (no KEK needed), e.g. when parsing a Secret. */
export function isSealedKey(value: unknown): value is SealedKey {
  if (typeof value !== 'object' || value === null) {
    return false;
  }
  const record = value as Partial<SealedKey>;
  if (typeof record.kekId !== 'string' || record.kekId.length === 0) {
    return false;
  }
  try {
    decodeSealed(record as SealedKey, '');
    return true;
  } catch {
    return false;
  }
}

/** Opens a sealed content key; throws EnvelopeError on an unknown kekId, tampering or a wrong context. */
export function openContentKey(options: OpenOptions): Buffer {
  const { keks, sealed, context } = options;
  const kek = keks.get(sealed.kekId);
  if (!kek) {
    const known = [...keks.keys()].map((id) => `"${id}"`).join(', ') || 'none';
    throw new EnvelopeError(
      'unknown-kek',
      `sealed key for ${context} needs KEK "${sealed.kekId}", which is not loaded (loaded: ${known})`,
    );
  }
  checkKek(kek, sealed.kekId);
  const { iv, ciphertext, tag } = decodeSealed(sealed, context);
  const decipher = createDecipheriv('aes-256-gcm', kek, iv, { authTagLength: TAG_BYTES });
  decipher.setAAD(aad(sealed.kekId, context));
  decipher.setAuthTag(tag);
  try {
    return Buffer.concat([decipher.update(ciphertext), decipher.final()]);
  } catch {
    // GCM cannot tell which input was wrong; both causes are named so the operator knows where to look.
    throw new EnvelopeError(
      'unauthenticated',
      `sealed key for ${context} failed authentication under KEK "${sealed.kekId}": ` +
        'it was tampered with, or it was sealed for another context',
    );
  }
}

/**
 * KEK rotation for one record: opens it with whichever KEK it names (old ones stay in `keks` until
 * every record is resealed) and seals it again under the new KEK. The plaintext is zeroed after.
 */
export function resealContentKey(options: ResealOptions): SealedKey {
  const contentKey = openContentKey(options);
  try {
    return sealContentKey({ kek: options.kek, kekId: options.kekId, contentKey, context: options.context });
  } finally {
    contentKey.fill(0);
  }
}

/**
 * Parses a KEK as configured (a file or environment value): base64 of exactly 32 bytes. Surrounding
 * whitespace is ignored because mounted Secret files often end with a newline. The error never
 * echoes the input: a near-miss KEK is still mostly a KEK.
 */
export function parseKek(text: string): Buffer {
  const trimmed = text.trim();
  const bytes = strictBase64(trimmed);
  if (!bytes) {
    throw new EnvelopeError(
      'invalid-kek',
      `KEK must be base64 of exactly ${KEK_BYTES} bytes; the value given (${trimmed.length} characters) is not valid base64`,
    );
  }
  if (bytes.length !== KEK_BYTES) {
    throw new EnvelopeError(
      'invalid-kek',
      `KEK must be base64 of exactly ${KEK_BYTES} bytes; the value given decodes to ${bytes.length} bytes`,
    );
  }
  return bytes;
}
