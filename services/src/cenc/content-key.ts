/**
 * A content key as the encryptor takes it: a UUID key id (KID) and 16 key bytes (AES-128).
 * Checked once on the way in; a refusal names the key by its id and position, never by its bytes.
 */

export interface ContentKey {
  /** UUID form, e.g. 6f1d0b2e-...; the KID written into tenc, pssh and the MPD. */
  keyId: string;
  key: Buffer;
}

/** AES-128: the cipher of the `cenc` scheme and of HLS AES-128 takes 16-byte keys. */
export const AES_128_KEY_BYTES = 16;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export class ContentKeyError extends Error {
  override readonly name = 'ContentKeyError';
}

/** Refuses a key id that is not a UUID or a key that is not 16 bytes; `where` names the input. */
export function checkContentKey(key: ContentKey, where: string): void {
  if (typeof key.keyId !== 'string' || !UUID.test(key.keyId)) {
    throw new ContentKeyError(
      `${where}: key id ${JSON.stringify(String(key.keyId)).slice(0, 60)} is not a UUID`,
    );
  }
  if (!Buffer.isBuffer(key.key) || key.key.length !== AES_128_KEY_BYTES) {
    const got = Buffer.isBuffer(key.key) ? `${key.key.length} bytes` : typeof key.key;
    throw new ContentKeyError(`${where}: key ${key.keyId} must be ${AES_128_KEY_BYTES} bytes, got ${got}`);
  }
}

/** The 16 bytes of a UUID (a KID or a DRM system id). */
export function uuidBytes(uuid: string): Buffer {
  if (!UUID.test(uuid)) {
    throw new ContentKeyError(`${JSON.stringify(uuid).slice(0, 60)} is not a UUID`);
  }
  return Buffer.from(uuid.replaceAll('-', ''), 'hex');
}

/** A UUID's text form from its 16 bytes, lower case. */
export function uuidText(bytes: Buffer): string {
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
