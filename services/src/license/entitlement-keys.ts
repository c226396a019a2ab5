/**
 * The hub's entitlement signing keys: a signer (private key, its `kid` and algorithm) for the
 * issuer, and the public JSON Web Key Set the verifiers are configured with. Verifiers accept
 * only the algorithms we sign with (ES256, EdDSA) and only public keys that name their kid and
 * algorithm, so a key set can never make them accept `none`, HMAC with a public key, or a key
 * meant for something else.
 */
import {
  createLocalJWKSet,
  exportJWK,
  generateKeyPair,
  importJWK,
  type JSONWebKeySet,
  type JWK,
  type KeyObject,
} from 'jose';

export const ENTITLEMENT_ALGORITHMS = ['ES256', 'EdDSA'] as const;
export type EntitlementAlgorithm = (typeof ENTITLEMENT_ALGORITHMS)[number];
/** Current and rotated-out keys; a set this large is a mistake. */
const MAX_KEYS = 16;

export interface EntitlementSigner {
  kid: string;
  alg: EntitlementAlgorithm;
  privateKey: CryptoKey | KeyObject;
  /** The public half, as verifiers get it. */
  publicJwk: JWK;
}

/** A verified-to-be-public key set, ready for jwtVerify. */
export interface EntitlementKeys {
  resolve: ReturnType<typeof createLocalJWKSet>;
  algorithms: readonly EntitlementAlgorithm[];
  kids: readonly string[];
}

export class EntitlementKeyError extends Error {
  override readonly name = 'EntitlementKeyError';
}

const isAlgorithm = (alg: unknown): alg is EntitlementAlgorithm =>
  (ENTITLEMENT_ALGORITHMS as readonly unknown[]).includes(alg);

function checkKid(kid: unknown): asserts kid is string {
  if (typeof kid !== 'string' || !/^[A-Za-z0-9._-]{1,128}$/.test(kid)) {
    throw new EntitlementKeyError('every key needs a kid of 1 to 128 letters, digits, ".", "_" or "-"');
  }
}

/** The public members of a JWK (the private ones are dropped, whatever the input held). */
function publicPart(jwk: JWK, kid: string, alg: EntitlementAlgorithm): JWK {
  const { kty, crv, x, y } = jwk;
  return { kty, crv, x, ...(y === undefined ? {} : { y }), kid, alg, use: 'sig' };
}

/** A fresh signing key (for the local hub and tests; a deployment loads its own). */
export async function generateEntitlementSigner(
  kid: string,
  alg: EntitlementAlgorithm = 'ES256',
): Promise<EntitlementSigner> {
  checkKid(kid);
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  return { kid, alg, privateKey, publicJwk: publicPart(await exportJWK(publicKey), kid, alg) };
}

/** A signer from a private JWK (with kid and alg), e.g. mounted from a Secret. */
export async function signerFromJwk(jwk: JWK): Promise<EntitlementSigner> {
  checkKid(jwk.kid);
  if (!isAlgorithm(jwk.alg) || typeof jwk.d !== 'string') {
    throw new EntitlementKeyError(
      `key ${jwk.kid}: a signing key is a private ${ENTITLEMENT_ALGORITHMS.join(' or ')} JWK`,
    );
  }
  const privateKey = await importJWK(jwk, jwk.alg);
  return {
    kid: jwk.kid,
    alg: jwk.alg,
    privateKey: privateKey as CryptoKey,
    publicJwk: publicPart(jwk, jwk.kid, jwk.alg),
  };
}

/** The key set verifiers are given: every signer's public key. */
export function publicKeySet(signers: readonly EntitlementSigner[]): JSONWebKeySet {
  return { keys: signers.map((s) => s.publicJwk) };
}

/** Checks a key set (parsed JSON) and prepares it for verification. */
export function entitlementKeys(set: unknown): EntitlementKeys {
  const keys = (set as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(keys) || keys.length === 0 || keys.length > MAX_KEYS) {
    throw new EntitlementKeyError(`a key set is {"keys": [...]} with 1 to ${MAX_KEYS} keys`);
  }
  const checked = keys.map((key: JWK) => {
    checkKid(key?.kid);
    if (!isAlgorithm(key.alg)) {
      throw new EntitlementKeyError(
        `key ${key.kid}: alg must be one of ${ENTITLEMENT_ALGORITHMS.join(', ')}`,
      );
    }
    if ('d' in key || key.kty === 'oct') {
      throw new EntitlementKeyError(`key ${key.kid}: a verifier is given public keys only`);
    }
    return publicPart(key, key.kid, key.alg);
  });
  const kids = checked.map((k) => k.kid as string);
  if (new Set(kids).size !== kids.length) {
    throw new EntitlementKeyError('two keys in the set have the same kid');
  }
  const algorithms = [...new Set(checked.map((k) => k.alg as EntitlementAlgorithm))];
  return { resolve: createLocalJWKSet({ keys: checked }), algorithms, kids };
}
