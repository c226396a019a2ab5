/**
 * Staff authentication: an OIDC/JWT bearer token from the organisation's identity provider,
 * checked against the provider's published keys, carrying an `operator` or `noc` role.
 */
import {
  createLocalJWKSet,
  createRemoteJWKSet,
  errors,
  type JSONWebKeySet,
  type JWTPayload,
  type JWTVerifyGetKey,
  jwtVerify,
} from 'jose';
import { AuthError, type Principal, type StaffRole } from './principal.ts';

export interface OidcConfig {
  /** The `iss` every token must carry, e.g. https://login.example.com/realms/fleet. */
  issuer: string;
  /** The `aud` every token must carry: this API's client id at the provider. */
  audience: string;
  /** Where the provider publishes its keys; give this or `jwks`, or neither to use discovery. */
  jwksUrl?: string;
  /** The provider's keys inline (tests, air-gapped installs). */
  jwks?: JSONWebKeySet;
  /** The claim holding the roles, taken as a whole name (Auth0-style claim names contain dots). */
  rolesClaim?: string;
}

/**
 * Only asymmetric algorithms: with a shared-secret (HS*) algorithm anyone holding the "public"
 * key could mint tokens, and `none` is no signature at all.
 */
const ALGORITHMS = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
  'Ed25519',
];

/** Clocks at the provider and here drift; a token a few seconds "early" or "late" is still fine. */
const CLOCK_TOLERANCE_SECONDS = 30;

type Verify = (token: string) => Promise<Principal>;

export function staffTokenVerifier(config: OidcConfig): Verify {
  if (config.jwksUrl !== undefined && config.jwks !== undefined) {
    throw new TypeError('OidcConfig: give jwksUrl or jwks, not both');
  }
  const rolesClaim = config.rolesClaim ?? 'roles';
  const keys = keyResolver(config);
  const verified = new VerifiedTokens();
  return async (token) => {
    const known = verified.get(token);
    if (known) {
      return known;
    }
    const claims = await verifiedClaims(token, keys, config);
    const principal = staffPrincipal(claims, rolesClaim);
    verified.add(token, principal, typeof claims.exp === 'number' ? claims.exp * 1000 : Date.now());
    return principal;
  };
}

/**
 * Tokens already verified, until they expire or for five minutes at most: a console polls with
 * the same token many times a second, and an ES256 or RS256 verification costs more than the
 * query it guards. Bounded; the oldest entry goes first.
 */
class VerifiedTokens {
  static readonly MAX = 10_000;
  static readonly TTL_MS = 5 * 60_000;
  readonly #entries = new Map<string, { principal: Principal; until: number }>();

  get(token: string, now = Date.now()): Principal | undefined {
    const entry = this.#entries.get(token);
    if (entry && now < entry.until) {
      return entry.principal;
    }
    this.#entries.delete(token);
    return undefined;
  }

  add(token: string, principal: Principal, expiresAt: number, now = Date.now()): void {
    if (this.#entries.size >= VerifiedTokens.MAX) {
      this.#entries.delete(this.#entries.keys().next().value as string);
    }
    this.#entries.set(token, { principal, until: Math.min(expiresAt, now + VerifiedTokens.TTL_MS) });
  }
}

function keyResolver(config: OidcConfig): JWTVerifyGetKey {
  if (config.jwks) {
    return createLocalJWKSet(config.jwks);
  }
  if (config.jwksUrl) {
    return createRemoteJWKSet(new URL(config.jwksUrl));
  }
  return discoveredKeys(config.issuer);
}

/**
 * Keys found through the issuer's discovery document, looked up on the first token (so the API
 * starts even while the provider is down) and kept; a failed lookup is retried on the next token.
 */
function discoveredKeys(issuer: string): JWTVerifyGetKey {
  let keys: Promise<JWTVerifyGetKey> | undefined;
  return async (header, token) => {
    keys ??= discover(issuer).catch((error: unknown) => {
      keys = undefined;
      throw error;
    });
    return (await keys)(header, token);
  };
}

async function discover(issuer: string): Promise<JWTVerifyGetKey> {
  const url = `${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
  let document: { issuer?: unknown; jwks_uri?: unknown };
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(5000) });
    if (!response.ok) {
      throw new Error(`HTTP ${response.status}`);
    }
    document = (await response.json()) as typeof document;
  } catch (error) {
    throw new ProviderUnavailable(`discovery at ${url} failed: ${(error as Error).message}`);
  }
  // OIDC discovery requires the document to name the same issuer it was fetched for.
  if (document.issuer !== issuer || typeof document.jwks_uri !== 'string') {
    throw new ProviderUnavailable(`discovery at ${url} names another issuer or no jwks_uri`);
  }
  return createRemoteJWKSet(new URL(document.jwks_uri));
}

/** The provider could not be asked: our problem, not the caller's; the detail is for logs. */
class ProviderUnavailable extends Error {
  override name = 'ProviderUnavailable';
}

async function verifiedClaims(token: string, keys: JWTVerifyGetKey, config: OidcConfig): Promise<JWTPayload> {
  if (typeof token !== 'string' || token.length === 0) {
    throw new AuthError('bearer token is malformed');
  }
  try {
    const { payload } = await jwtVerify(token, keys, {
      issuer: config.issuer,
      audience: config.audience,
      algorithms: ALGORITHMS,
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
      // A token without an expiry would be good forever once leaked.
      requiredClaims: ['exp'],
    });
    return payload;
  } catch (error) {
    throw authErrorFor(error);
  }
}

/** Claim-check failures by claim: what to tell the caller. */
const CLAIM_MESSAGES: Record<string, string> = {
  iss: 'bearer token issuer is not trusted',
  aud: 'bearer token is not meant for this API (audience)',
  nbf: 'bearer token is not valid yet',
  iat: 'bearer token issue time is invalid',
  exp: 'bearer token has no valid expiry',
};

/** Library errors by code: what to tell the caller. The token itself is never in a message. */
const CODE_MESSAGES: Record<string, string> = {
  ERR_JWT_EXPIRED: 'bearer token expired',
  ERR_JWS_SIGNATURE_VERIFICATION_FAILED: 'bearer token signature is invalid',
  ERR_JWKS_NO_MATCHING_KEY: 'bearer token is signed with a key the issuer does not publish',
  ERR_JWKS_MULTIPLE_MATCHING_KEYS: 'bearer token is signed with a key the issuer does not publish',
  ERR_JOSE_ALG_NOT_ALLOWED: 'bearer token signing algorithm is not allowed',
  ERR_JOSE_NOT_SUPPORTED: 'bearer token signing algorithm is not allowed',
  ERR_JWS_INVALID: 'bearer token is malformed',
  ERR_JWT_INVALID: 'bearer token is malformed',
};

/** The caller's token may be fine; the cause (for the server's log) says what failed. */
function unavailable(cause: unknown): AuthError {
  const error = new AuthError('bearer token could not be checked: the identity provider is unavailable', 503);
  error.cause = cause;
  return error;
}

function authErrorFor(error: unknown): AuthError {
  if (error instanceof errors.JWTClaimValidationFailed) {
    return new AuthError(CLAIM_MESSAGES[error.claim] ?? `bearer token claim ${error.claim} is invalid`);
  }
  if (error instanceof errors.JOSEError) {
    const message = CODE_MESSAGES[error.code];
    if (message) {
      return new AuthError(message);
    }
    if (error.code === 'ERR_JWKS_TIMEOUT' || error.code === 'ERR_JWKS_INVALID') {
      return unavailable(error);
    }
    return new AuthError('bearer token is invalid');
  }
  // Anything else is the key lookup failing (network, discovery): a server-side outage.
  return unavailable(error);
}

function rolesIn(value: unknown): string[] {
  if (typeof value === 'string') {
    return value.split(' ').filter(Boolean);
  }
  if (Array.isArray(value)) {
    return value.filter((role): role is string => typeof role === 'string');
  }
  return [];
}

function staffPrincipal(claims: JWTPayload, rolesClaim: string): Principal {
  const sub = claims.sub;
  if (typeof sub !== 'string' || sub.length === 0) {
    throw new AuthError('bearer token has no subject');
  }
  const roles = rolesIn(claims[rolesClaim]);
  // Operators can do everything NOC staff can, so a token with both roles acts as an operator.
  const role: StaffRole | undefined = roles.includes('operator')
    ? 'operator'
    : roles.includes('noc')
      ? 'noc'
      : undefined;
  if (!role) {
    throw new AuthError(`token has no SMART Fleet role (operator or noc) in claim ${rolesClaim}`, 403);
  }
  return {
    kind: 'staff',
    id: sub,
    role,
    display: displayName(claims, sub),
    expiresAt: typeof claims.exp === 'number' ? claims.exp * 1000 : undefined,
  };
}

function displayName(claims: JWTPayload, sub: string): string {
  for (const value of [claims.email, claims.name]) {
    if (typeof value === 'string' && value.length > 0) {
      return value;
    }
  }
  return sub;
}
