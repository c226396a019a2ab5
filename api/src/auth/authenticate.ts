/**
 * Who a request is from, before any GraphQL runs: a staff bearer token (OIDC/JWT) or a
 * partner API key (`X-API-Key: sfk_...`, or `Authorization: ApiKey sfk_...`). No credential,
 * or a bad one, is refused with 401 and a message that says which; nothing is logged of it.
 */
import type { ApiKeyStore } from './api-keys.ts';
import { AuthError, type Principal } from './principal.ts';

export interface Authenticators {
  staffToken: (token: string) => Promise<Principal>;
  apiKeys: Pick<ApiKeyStore, 'verify'>;
}

/** The API key a request carries, if any (partners). */
export function apiKeyOf(headers: Headers): string | undefined {
  const header = headers.get('x-api-key');
  if (header) {
    return header.trim();
  }
  return /^ApiKey\s+(\S+)$/i.exec(headers.get('authorization') ?? '')?.[1];
}

export async function authenticate(headers: Headers, auth: Authenticators): Promise<Principal> {
  const key = apiKeyOf(headers);
  if (key !== undefined) {
    const partner = auth.apiKeys.verify(key);
    if (!partner) {
      throw new AuthError('API key is unknown or revoked');
    }
    return partner;
  }
  const bearer = /^Bearer\s+(\S+)$/i.exec(headers.get('authorization') ?? '')?.[1];
  if (bearer) {
    return auth.staffToken(bearer);
  }
  throw new AuthError(
    'authentication required: staff send "Authorization: Bearer <token>", partners "X-API-Key: <key>"',
  );
}
