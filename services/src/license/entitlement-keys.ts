/**
 * The hub's entitlement signing keys: a signer (private key, its `kid` and algorithm) for the
 * issuer, and the public JSON Web Key Set the verifiers are configured with. Verifiers accept
 * only the algorithms we sign with (ES256, EdDSA) and only public keys that name their kid and
 * algorithm, so a key set can never make them accept `none`, HMAC with a public key, or a key
 * meant for something else. A signer's private JWK lives in a file (a mounted Secret in a
 * deployment, the local hub's directory on a developer's machine): `signerFromJwkFile` reads one,
 * `loadOrCreateEntitlementSigner` makes one for the local hub the first time. Neither ever puts
 * the key's contents in an error message.
 */
import {
  createPrivateKey,
  createPublicKey,
  type JsonWebKey as NodeJsonWebKey,
  type KeyObject as NodeKeyObject,
  randomUUID,
  sign,
  verify,
} from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { link, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
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
/** A private EC or OKP JWK is a few hundred bytes; a file much larger is not one. */
const MAX_JWK_FILE_BYTES = 16 * 1024;
/** MAX_KEYS public keys of a few hundred bytes each. */
const MAX_KEY_SET_FILE_BYTES = 64 * 1024;

export interface EntitlementSigner {
  kid: string;
  alg: EntitlementAlgorithm;
  privateKey: CryptoKey | KeyObject;
  /** The public half, as verifiers get it. */
  publicJwk: JWK;
}

/** The hub's public key set as it is published (a JWKS). */
export type EntitlementKeySet = JSONWebKeySet;

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

/** A fresh private signing JWK with its kid and alg, for a deployment's secret (`npm run api -- entitlement-key`). */
export async function newSigningJwk(kid: string, alg: EntitlementAlgorithm = 'ES256'): Promise<JWK> {
  const signer = await generateEntitlementSigner(kid, alg);
  return { ...(await exportJWK(signer.privateKey)), kid, alg };
}

const CURVES: Record<EntitlementAlgorithm, { kty: string; crv: string }> = {
  ES256: { kty: 'EC', crv: 'P-256' },
  EdDSA: { kty: 'OKP', crv: 'Ed25519' },
};

/**
 * The public key set of a private signing JWK given as text (a stack's secret config), checked
 * as the API would load it, synchronously, and never quoting the key in an error.
 */
export function signingKeyPublicSet(text: string): EntitlementKeySet {
  let jwk: JWK;
  try {
    jwk = JSON.parse(text) as JWK;
  } catch {
    throw new EntitlementKeyError('is not JSON (a private JWK with kid and alg)');
  }
  if (typeof jwk !== 'object' || jwk === null || Array.isArray(jwk)) {
    throw new EntitlementKeyError('is not a JWK object');
  }
  checkKid(jwk.kid);
  if (!isAlgorithm(jwk.alg) || typeof jwk.d !== 'string') {
    throw new EntitlementKeyError(
      `key ${jwk.kid}: a signing key is a private ${ENTITLEMENT_ALGORITHMS.join(' or ')} JWK`,
    );
  }
  const unusable = () => new EntitlementKeyError(`key ${jwk.kid} does not hold a usable private key`);
  let key: NodeKeyObject;
  let publicKey: NodeKeyObject;
  try {
    key = createPrivateKey({ key: jwk as NodeJsonWebKey, format: 'jwk' });
    publicKey = createPublicKey(key);
  } catch {
    throw unusable();
  }
  const publicJwk = publicKey.export({ format: 'jwk' }) as JWK;
  const curve = CURVES[jwk.alg];
  if (publicJwk.kty !== curve.kty || publicJwk.crv !== curve.crv) {
    throw new EntitlementKeyError(`key ${jwk.kid}: ${jwk.alg} signs with a ${curve.crv} key`);
  }
  // The JWK's public members are taken as given: a probe signature shows they match `d`.
  const digest = jwk.alg === 'ES256' ? 'sha256' : null;
  const probe = Buffer.from('smart-fleet entitlement key probe');
  let matches = false;
  try {
    matches = verify(digest, probe, publicKey, sign(digest, probe, key));
  } catch {
    // Reported below, without the key's members.
  }
  if (!matches) {
    throw unusable();
  }
  return { keys: [publicPart(publicJwk, jwk.kid, jwk.alg)] };
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

/**
 * A key set (parsed JSON) checked: 1 to MAX_KEYS public keys of our algorithms, each naming its
 * kid, no kid twice; returned as their public members only, as the hub publishes it.
 */
export function checkedKeySet(set: unknown): JSONWebKeySet {
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
  return { keys: checked };
}

/** Checks a key set (parsed JSON) and prepares it for verification. */
export function entitlementKeys(set: unknown): EntitlementKeys {
  const { keys } = checkedKeySet(set);
  const algorithms = [...new Set(keys.map((k) => k.alg as EntitlementAlgorithm))];
  return { resolve: createLocalJWKSet({ keys }), algorithms, kids: keys.map((k) => k.kid as string) };
}

/** Reads a public key set file (a JWKS), bounded and checked; each problem names the file. */
export function readKeySetFile(file: string): JSONWebKeySet {
  let text: string;
  try {
    const size = statSync(file).size;
    if (size > MAX_KEY_SET_FILE_BYTES) {
      throw new EntitlementKeyError(`is ${size} bytes: a key set file is at most ${MAX_KEY_SET_FILE_BYTES}`);
    }
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new EntitlementKeyError(
      `${file} ${code === 'ENOENT' ? 'does not exist' : (error as Error).message}`,
    );
  }
  let set: unknown;
  try {
    set = JSON.parse(text);
  } catch {
    throw new EntitlementKeyError(`${file} is not JSON (a JSON Web Key Set: {"keys": [...]})`);
  }
  try {
    return checkedKeySet(set);
  } catch (error) {
    throw new EntitlementKeyError(`${file}: ${(error as Error).message}`);
  }
}

/** Reads a private JWK file (with kid and alg) as a signer; the file's contents never reach an error. */
export async function signerFromJwkFile(file: string): Promise<EntitlementSigner> {
  const size = (await stat(file)).size;
  if (size > MAX_JWK_FILE_BYTES) {
    throw new EntitlementKeyError(
      `${file} is ${size} bytes: a signing key file is at most ${MAX_JWK_FILE_BYTES}`,
    );
  }
  let jwk: unknown;
  try {
    jwk = JSON.parse(await readFile(file, 'utf8'));
  } catch {
    // JSON.parse quotes the text it choked on: that text is a private key.
    throw new EntitlementKeyError(`${file} is not JSON (a private JWK with kid and alg)`);
  }
  if (typeof jwk !== 'object' || jwk === null || Array.isArray(jwk)) {
    throw new EntitlementKeyError(`${file} is not a JWK object`);
  }
  try {
    return await signerFromJwk(jwk as JWK);
  } catch (error) {
    if (error instanceof EntitlementKeyError) {
      throw new EntitlementKeyError(`${file}: ${error.message}`);
    }
    throw new EntitlementKeyError(`${file} does not hold a usable private key`);
  }
}

/**
 * The local hub's signer: the private JWK in `file`, or, when there is none yet, a fresh key
 * named `kid` written there (file 0600, a directory it creates 0700: the key signs entitlements
 * anything trusting this hub accepts). An existing file keeps its own kid, whatever `kid` says, so the
 * verifiers configured with its public key keep working across restarts. Two processes
 * starting at once end up with the same key: the file appears whole (linked from a private
 * temporary file), and the one that loses the race reads the winner's.
 */
export async function loadOrCreateEntitlementSigner(
  file: string,
  kid: string,
  alg: EntitlementAlgorithm = 'ES256',
): Promise<EntitlementSigner> {
  const existing = await signerFromJwkFile(file).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') {
      return undefined;
    }
    throw error;
  });
  if (existing) {
    return existing;
  }
  const signer = await generateEntitlementSigner(kid, alg);
  const privateJwk = { ...(await exportJWK(signer.privateKey)), kid, alg };
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  const temporary = `${file}.${randomUUID()}.tmp`;
  await writeFile(temporary, `${JSON.stringify(privateJwk)}\n`, { mode: 0o600, flag: 'wx' });
  try {
    await link(temporary, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
      throw error;
    }
    return signerFromJwkFile(file); // another process made it first: use its key
  } finally {
    await rm(temporary, { force: true });
  }
  return signer;
}
