/**
 * What the license service, the site license proxy and the players between them agree on,
 * written once: the routes, the header carrying the site's identity, the bounds, where a token
 * comes from, and the W3C ClearKey license format (Encrypted Media Extensions, "Clear Key"):
 *   request  {"kids": ["<base64url kid>", ...], "type": "temporary"}
 *   response {"keys": [{"kty": "oct", "kid": "<base64url>", "k": "<base64url key>"}], "type": "temporary"}
 * base64url without padding, kid and key 16 bytes each.
 */
import type { IncomingMessage } from 'node:http';
import { normalizeKeyId } from '../drm/key-plan.ts';
import { bearerToken, HttpError } from '../http/json-http.ts';
import { MAX_TOKEN_CHARS } from './entitlement.ts';

export const CLEARKEY_PATH = '/license/clearkey';
/** `/keys/hls/<keyId>`: the 16 raw bytes, as HLS players fetch an EXT-X-KEY URI. */
export const HLS_KEY_PREFIX = '/keys/hls/';
/** Set by the site's license proxy (never by a player: the proxy replaces it). */
export const SITE_HEADER = 'x-smartfleet-site';
export const MAX_LICENSE_BODY_BYTES = 16 * 1024;
export const MAX_KIDS_PER_REQUEST = 16;

const TOKEN_CHARS = /^[A-Za-z0-9._~+/=-]+$/;

/**
 * The entitlement a request carries: `Authorization: Bearer`, or `?token=` for HLS players that
 * cannot set headers. Undefined when it carries none.
 */
export function requestToken(req: IncomingMessage, url: URL): string | undefined {
  const header = bearerToken(req);
  if (header) {
    return header;
  }
  const query = url.searchParams.get('token') ?? undefined;
  return query && query.length <= MAX_TOKEN_CHARS && TOKEN_CHARS.test(query) ? query : undefined;
}

/** The key id of an HLS key path, or undefined when the path is not one. */
export function hlsKeyId(pathname: string): string | undefined {
  return pathname.startsWith(HLS_KEY_PREFIX)
    ? normalizeKeyId(pathname.slice(HLS_KEY_PREFIX.length))
    : undefined;
}

const BASE64URL_16 = /^[A-Za-z0-9_-]{22}$/;

/** A ClearKey kid (base64url of 16 bytes) as our key id (UUID), or undefined. */
export function kidToKeyId(kid: string): string | undefined {
  if (!BASE64URL_16.test(kid)) {
    return undefined;
  }
  const bytes = Buffer.from(kid, 'base64url');
  // 22 characters carry 132 bits: the last 4 must be zero for this to be exactly 16 bytes.
  return bytes.length === 16 && bytes.toString('base64url') === kid
    ? normalizeKeyId(bytes.toString('hex'))
    : undefined;
}

export function keyIdToKid(keyId: string): string {
  return Buffer.from(keyId.replace(/-/g, ''), 'hex').toString('base64url');
}

/** The key ids (UUIDs, each once, in the order asked) of a ClearKey license request; throws HttpError (400, 413). */
export function parseClearKeyRequest(body: Record<string, unknown>): string[] {
  const { kids, type } = body;
  if (type !== undefined && type !== 'temporary') {
    throw new HttpError(400, 'unsupported-license-type', 'only temporary licenses are issued');
  }
  if (!Array.isArray(kids) || kids.length === 0) {
    throw new HttpError(400, 'malformed', 'kids must be a non-empty list of base64url key ids');
  }
  if (kids.length > MAX_KIDS_PER_REQUEST) {
    throw new HttpError(413, 'too-many-kids', `at most ${MAX_KIDS_PER_REQUEST} kids per license request`);
  }
  const keyIds = kids.map((kid, i) => {
    const id = typeof kid === 'string' ? kidToKeyId(kid) : undefined;
    if (!id) {
      throw new HttpError(400, 'malformed', `kids[${i}] is not the base64url of a 16-byte key id`);
    }
    return id;
  });
  return [...new Set(keyIds)];
}

export interface ClearKeyLicense {
  keys: { kty: 'oct'; kid: string; k: string }[];
  type: 'temporary';
}

export function clearKeyLicense(keys: readonly { keyId: string; key: Buffer }[]): ClearKeyLicense {
  return {
    keys: keys.map(({ keyId, key }) => ({
      kty: 'oct',
      kid: keyIdToKid(keyId),
      k: key.toString('base64url'),
    })),
    type: 'temporary',
  };
}
