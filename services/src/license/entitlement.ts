/**
 * The entitlement token, one source of truth for its claims: a short-lived JWT the hub signs
 * (ES256 or EdDSA, its key named by `kid`) saying that a subscriber of a tenant may play a title
 * at a site, with these content keys, until `exp`. The hub issues it (`issueEntitlement`); the
 * edge's admission service and the license service check it (`verifyEntitlement`), and every
 * refusal is one of a few typed reasons, so logs and metrics count the same words everywhere.
 *
 * Claims: iss, aud (the license service), sub (subscriber), tenant, title, site, kids (key ids
 * the holder may have), iat, exp, jti. Lifetimes are minutes: a revoked subscriber or key stops
 * playing when the token runs out, and a revoked key is refused at once (see checkEntitlement).
 */
import { randomUUID } from 'node:crypto';
import { NAME_PATTERN } from '@smart-fleet/model';
import { errors, type JWTPayload, jwtVerify, SignJWT } from 'jose';
import { normalizeKeyId } from '../drm/key-plan.ts';
import type { EntitlementKeys, EntitlementSigner } from './entitlement-keys.ts';

export const ENTITLEMENT_ISSUER = 'smartfleet.io/hub';
export const ENTITLEMENT_AUDIENCE = 'smartfleet.io/license-service';
/** "Short" is minutes: the longest a token may live, from iat to exp. */
export const MAX_ENTITLEMENT_TTL_SECONDS = 15 * 60;
/** A title has at most 16 renditions, so at most 16 live keys. */
export const MAX_ENTITLED_KIDS = 16;
/** Clocks of hub, edge and license service may differ this much. */
export const CLOCK_TOLERANCE_SECONDS = 30;
/** A token is a few hundred bytes; anything much longer is not one of ours. */
export const MAX_TOKEN_CHARS = 4096;
const MAX_SUBJECT_CHARS = 256;

export const DENIAL_REASONS = [
  'expired',
  'bad-signature',
  'wrong-audience',
  'wrong-tenant',
  'wrong-title',
  'wrong-site',
  'kid-not-entitled',
  'revoked',
  'malformed',
] as const;
export type DenialReason = (typeof DENIAL_REASONS)[number];

/** 401: the token itself is no good (get a new one); 403: a good token that does not cover this. */
export const DENIAL_STATUS: Record<DenialReason, 401 | 403> = {
  expired: 401,
  'bad-signature': 401,
  'wrong-audience': 401,
  malformed: 401,
  'wrong-tenant': 403,
  'wrong-title': 403,
  'wrong-site': 403,
  'kid-not-entitled': 403,
  revoked: 403,
};

export interface EntitlementClaims {
  iss: string;
  aud: string;
  /** The subscriber. */
  sub: string;
  tenant: string;
  title: string;
  site: string;
  /** Key ids (UUIDs, lower case) the holder may be given. */
  kids: string[];
  iat: number;
  exp: number;
  jti: string;
}

/** What the hub grants: the claims, less what issuing sets (iat, exp, jti). */
export interface EntitlementGrant {
  issuer?: string;
  audience?: string;
  subscriber: string;
  tenant: string;
  title: string;
  site: string;
  kids: readonly string[];
  ttlSeconds: number;
  now?: Date;
  /** Injected by tests; a fresh UUID otherwise. */
  jti?: string;
}

export type EntitlementVerdict =
  | { ok: true; claims: EntitlementClaims }
  | {
      ok: false;
      reason: DenialReason;
      status: 401 | 403;
      message: string;
      /** The claims, when the signature held (so a denial can be logged with them). */
      claims?: EntitlementClaims;
    };

/** What this check expects; each optional part is checked only when given. */
export interface EntitlementExpectations {
  issuer?: string;
  audience?: string;
  now: Date;
  site?: string;
  tenant?: string;
  title?: string;
  /** The key ids asked for: each must be among the token's kids. */
  kids?: readonly string[];
  /** Keys revoked since the token was issued: asking for one is refused at once. */
  revokedKeyIds?: ReadonlySet<string>;
  revokedTokenIds?: ReadonlySet<string>;
}

/** A refusal to issue: a grant the hub should never have asked for. */
export class EntitlementGrantError extends Error {
  override readonly name = 'EntitlementGrantError';
}

const NAME = new RegExp(NAME_PATTERN);
const isName = (v: unknown): v is string => typeof v === 'string' && v.length <= 63 && NAME.test(v);

function deny(reason: DenialReason, message: string, claims?: EntitlementClaims): EntitlementVerdict {
  return { ok: false, reason, status: DENIAL_STATUS[reason], message, claims };
}

function grantKids(grant: EntitlementGrant): string[] {
  if (grant.kids.length === 0 || grant.kids.length > MAX_ENTITLED_KIDS) {
    throw new EntitlementGrantError(
      `an entitlement carries 1 to ${MAX_ENTITLED_KIDS} key ids, not ${grant.kids.length}`,
    );
  }
  return grant.kids.map((kid) => {
    const id = normalizeKeyId(kid);
    if (!id) {
      throw new EntitlementGrantError(`key id ${JSON.stringify(kid.slice(0, 40))} is not a UUID`);
    }
    return id;
  });
}

function checkGrant(grant: EntitlementGrant): void {
  for (const field of ['tenant', 'title', 'site'] as const) {
    if (!isName(grant[field])) {
      throw new EntitlementGrantError(`${field} must be an object name (lower-case letters, digits, '-')`);
    }
  }
  if (!grant.subscriber || grant.subscriber.length > MAX_SUBJECT_CHARS) {
    throw new EntitlementGrantError(`subscriber must be 1 to ${MAX_SUBJECT_CHARS} characters`);
  }
  const ttl = grant.ttlSeconds;
  if (!Number.isInteger(ttl) || ttl < 1 || ttl > MAX_ENTITLEMENT_TTL_SECONDS) {
    throw new EntitlementGrantError(
      `ttlSeconds must be a whole number from 1 to ${MAX_ENTITLEMENT_TTL_SECONDS}`,
    );
  }
}

/** Signs an entitlement token for `grant`; throws EntitlementGrantError on a grant out of bounds. */
export async function issueEntitlement(signer: EntitlementSigner, grant: EntitlementGrant): Promise<string> {
  checkGrant(grant);
  const kids = grantKids(grant);
  const iat = Math.floor((grant.now ?? new Date()).getTime() / 1000);
  return new SignJWT({ tenant: grant.tenant, title: grant.title, site: grant.site, kids })
    .setProtectedHeader({ alg: signer.alg, kid: signer.kid, typ: 'JWT' })
    .setIssuer(grant.issuer ?? ENTITLEMENT_ISSUER)
    .setAudience(grant.audience ?? ENTITLEMENT_AUDIENCE)
    .setSubject(grant.subscriber)
    .setIssuedAt(iat)
    .setExpirationTime(iat + grant.ttlSeconds)
    .setJti(grant.jti ?? randomUUID())
    .sign(signer.privateKey);
}

/** The payload as our claims, or a sentence saying what is wrong with it. */
function claimsOf(payload: JWTPayload): EntitlementClaims | string {
  const { iss, aud, sub, iat, exp, jti } = payload;
  const { tenant, title, site, kids } = payload as Record<string, unknown>;
  if (typeof iss !== 'string' || typeof aud !== 'string' || typeof jti !== 'string' || jti.length > 128) {
    return 'iss, aud (one audience) and jti must be strings';
  }
  if (typeof sub !== 'string' || sub.length === 0 || sub.length > MAX_SUBJECT_CHARS) {
    return `sub must be 1 to ${MAX_SUBJECT_CHARS} characters`;
  }
  if (!isName(tenant) || !isName(title) || !isName(site)) {
    return 'tenant, title and site must be object names';
  }
  if (!Array.isArray(kids) || kids.length === 0 || kids.length > MAX_ENTITLED_KIDS) {
    return `kids must list 1 to ${MAX_ENTITLED_KIDS} key ids`;
  }
  const ids = kids.map((k) => (typeof k === 'string' ? normalizeKeyId(k) : undefined));
  if (ids.some((k) => k === undefined) || typeof iat !== 'number' || typeof exp !== 'number') {
    return 'kids must be UUIDs, iat and exp numbers';
  }
  return { iss, aud, sub, tenant, title, site, kids: ids as string[], iat, exp, jti };
}

function lifetimeProblem(claims: EntitlementClaims, now: Date): string | undefined {
  if (claims.exp - claims.iat > MAX_ENTITLEMENT_TTL_SECONDS) {
    return `the token lives ${claims.exp - claims.iat} s; entitlements live at most ${MAX_ENTITLEMENT_TTL_SECONDS} s`;
  }
  if (claims.iat > now.getTime() / 1000 + CLOCK_TOLERANCE_SECONDS) {
    return 'the token was issued in the future';
  }
  return undefined;
}

/** jose's refusals in our words. Only an expired token has an authentic payload to keep. */
function denialOf(error: unknown): EntitlementVerdict {
  if (error instanceof errors.JWTExpired) {
    const claims = claimsOf(error.payload);
    return deny('expired', 'the entitlement has expired', typeof claims === 'string' ? undefined : claims);
  }
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === 'aud') {
      return deny('wrong-audience', 'the entitlement is for another service');
    }
    if (error.claim === 'iss') {
      return deny('bad-signature', 'the entitlement was not issued by the trusted hub');
    }
    return deny('malformed', `the entitlement's ${error.claim} claim is not valid`);
  }
  const signature =
    error instanceof errors.JWSSignatureVerificationFailed ||
    error instanceof errors.JWKSNoMatchingKey ||
    error instanceof errors.JWKSMultipleMatchingKeys ||
    error instanceof errors.JOSEAlgNotAllowed;
  return signature
    ? deny('bad-signature', 'the entitlement is not signed by a key of the hub')
    : deny('malformed', 'the entitlement is not a well-formed signed token');
}

/** The keys asked for: each among the token's kids, none revoked. */
function checkKids(
  claims: EntitlementClaims,
  expected: Omit<EntitlementExpectations, 'now'>,
): EntitlementVerdict {
  for (const asked of expected.kids ?? []) {
    if (!claims.kids.includes(asked)) {
      return deny('kid-not-entitled', `key ${asked} is not among the keys this entitlement grants`, claims);
    }
    if (expected.revokedKeyIds?.has(asked)) {
      return deny('revoked', `key ${asked} has been revoked`, claims);
    }
  }
  return { ok: true, claims };
}

/**
 * The checks past the signature, on claims already verified: token revocation, site, tenant,
 * title, the keys asked for. Pure, so the license service runs it again once it has read what
 * the title's key Secret says (its tenant, its revoked keys).
 */
export function checkEntitlement(
  claims: EntitlementClaims,
  expected: Omit<EntitlementExpectations, 'now'>,
): EntitlementVerdict {
  if (expected.revokedTokenIds?.has(claims.jti)) {
    return deny('revoked', 'this entitlement has been revoked', claims);
  }
  if (expected.site !== undefined && claims.site !== expected.site) {
    return deny('wrong-site', `the entitlement is for site ${claims.site}, not ${expected.site}`, claims);
  }
  if (expected.tenant !== undefined && claims.tenant !== expected.tenant) {
    return deny('wrong-tenant', `tenant ${claims.tenant} does not own title ${claims.title}`, claims);
  }
  if (expected.title !== undefined && claims.title !== expected.title) {
    return deny('wrong-title', `the entitlement is for title ${claims.title}, not ${expected.title}`, claims);
  }
  return checkKids(claims, expected);
}

/** Verifies a token's signature and claims against what this caller expects; never throws. */
export async function verifyEntitlement(
  token: string,
  keys: EntitlementKeys,
  expected: EntitlementExpectations,
): Promise<EntitlementVerdict> {
  if (token.length === 0 || token.length > MAX_TOKEN_CHARS) {
    return deny('malformed', `an entitlement is 1 to ${MAX_TOKEN_CHARS} characters`);
  }
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(token, keys.resolve, {
      issuer: expected.issuer ?? ENTITLEMENT_ISSUER,
      audience: expected.audience ?? ENTITLEMENT_AUDIENCE,
      algorithms: [...keys.algorithms],
      currentDate: expected.now,
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
      requiredClaims: ['iat', 'exp', 'sub', 'jti'],
    }));
  } catch (error) {
    return denialOf(error);
  }
  const claims = claimsOf(payload);
  if (typeof claims === 'string') {
    return deny('malformed', `the entitlement's claims are not ours: ${claims}`);
  }
  const lifetime = lifetimeProblem(claims, expected.now);
  return lifetime ? deny('malformed', lifetime, claims) : checkEntitlement(claims, expected);
}
