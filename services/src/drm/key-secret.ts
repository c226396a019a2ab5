/**
 * The Secret holding a title's content keys, built and parsed as plain objects (no API calls).
 * It holds only sealed records (see envelope.ts) plus lifecycle metadata: whoever can read the
 * Secret still needs a KEK to get a key. It is owned by the ContentTitle, so deleting the title
 * deletes its keys. Revoked keys keep a record (the revocation stays on file) but lose their
 * sealed material, so a revoked key cannot be recovered even by a KEK holder. The document names
 * the tenant owning the title, so the license service checks an entitlement's tenant against the
 * Secret it may read rather than against ContentTitles it may not.
 */
import { API_GROUP, type DrmPolicySpec, GROUP_VERSION } from '@smart-fleet/model';
import { isSealedKey, type SealedKey } from './envelope.ts';
import type { KeyRecord, KeyScope, KeyState } from './key-plan.ts';

export const DRM_KEYS_SECRET_TYPE = `${API_GROUP}/drm-content-keys`;
export const TITLE_LABEL = `${API_GROUP}/title`;
export const DRM_POLICY_LABEL = `${API_GROUP}/drm-policy`;
/** KIDs are public (they appear in manifests), so listing them helps `kubectl describe` safely. */
export const ACTIVE_KEYS_ANNOTATION = `${API_GROUP}/active-key-ids`;
export const KEYS_FILE = 'keys.json';
export const KEYS_DOCUMENT_VERSION = 1;

/** A key record as stored: sealed material for every key except revoked ones. */
export interface StoredKey extends KeyRecord {
  sealed?: SealedKey;
}

export interface KeysDocument {
  version: typeof KEYS_DOCUMENT_VERSION;
  namespace: string;
  title: string;
  /** The title's owner (spec.owner); absent in documents written before it was recorded. */
  tenant?: string;
  policy: string;
  algorithm: DrmPolicySpec['algorithm'];
  keys: StoredKey[];
}

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller: boolean;
  blockOwnerDeletion: boolean;
}

/** Structurally a V1Secret, so it can be passed to the client as is. */
export interface KeySecret {
  metadata: {
    name: string;
    namespace: string;
    labels: Record<string, string>;
    annotations: Record<string, string>;
    ownerReferences: OwnerReference[];
  };
  type: string;
  data: Record<string, string>;
}

export interface KeySecretOptions {
  /** `owner` is the tenant that owns the title's rights (its spec.owner). */
  title: { name: string; namespace: string; uid: string; owner: string };
  policy: { name: string; algorithm: DrmPolicySpec['algorithm'] };
  keys: readonly KeyRecord[];
  /** Sealed material by keyId; required for every key that is not revoked. */
  sealed: ReadonlyMap<string, SealedKey>;
}

export function keySecretName(title: string): string {
  return `${title}-drm-keys`;
}

/**
 * The AAD context a title's key is sealed under. `*` stands for the whole title (per-title scope):
 * it cannot be a rendition name, so a title key and a rendition key never share a context.
 */
export function contentKeyContext(options: {
  namespace: string;
  title: string;
  key: Pick<KeyRecord, 'scope' | 'target' | 'keyId'>;
}): string {
  const { namespace, title, key } = options;
  const target = key.scope === 'rendition' ? key.target : '*';
  return `${namespace}/${title}/${target}/${key.keyId}`;
}

/** Copies known fields only, so nothing a caller attached to a record (plaintext included) is stored. */
function storedKey(record: KeyRecord, sealed: SealedKey | undefined): StoredKey {
  const out: StoredKey = {
    keyId: record.keyId,
    scope: record.scope,
    target: record.target,
    createdAt: record.createdAt,
    state: record.state,
  };
  if (record.retiredAt !== undefined) {
    out.retiredAt = record.retiredAt;
  }
  if (record.revokedAt !== undefined) {
    out.revokedAt = record.revokedAt;
  }
  if (record.state !== 'revoked' && sealed) {
    const { version, kekId, alg, iv, ciphertext, tag } = sealed;
    out.sealed = { version, kekId, alg, iv, ciphertext, tag };
  }
  return out;
}

/** Builds the Secret body for a title's keys; throws when a live key has no (valid) sealed record. */
export function buildKeySecret(options: KeySecretOptions): KeySecret {
  const { title, policy, keys, sealed } = options;
  if (!title.uid) {
    throw new Error(
      `ContentTitle ${title.namespace}/${title.name} has no uid; the key Secret needs its owner`,
    );
  }
  const stored = keys.map((record) => {
    const material = sealed.get(record.keyId);
    if (record.state !== 'revoked' && !isSealedKey(material)) {
      throw new Error(`key ${record.keyId} of ${title.namespace}/${title.name} has no valid sealed record`);
    }
    return storedKey(record, material);
  });
  const document: KeysDocument = {
    version: KEYS_DOCUMENT_VERSION,
    namespace: title.namespace,
    title: title.name,
    tenant: title.owner,
    policy: policy.name,
    algorithm: policy.algorithm,
    keys: stored,
  };
  return {
    metadata: {
      name: keySecretName(title.name),
      namespace: title.namespace,
      labels: { [TITLE_LABEL]: title.name, [DRM_POLICY_LABEL]: policy.name },
      annotations: {
        [ACTIVE_KEYS_ANNOTATION]: stored
          .filter((k) => k.state === 'active')
          .map((k) => k.keyId)
          .join(','),
      },
      ownerReferences: [
        {
          apiVersion: GROUP_VERSION,
          kind: 'ContentTitle',
          name: title.name,
          uid: title.uid,
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
    },
    type: DRM_KEYS_SECRET_TYPE,
    data: { [KEYS_FILE]: Buffer.from(JSON.stringify(document), 'utf8').toString('base64') },
  };
}

/** What parseKeySecret reads: any V1Secret-shaped object. */
export interface SecretLike {
  metadata?: { name?: string; namespace?: string; labels?: Record<string, string> };
  type?: string;
  data?: Record<string, string>;
}

const SCOPES: readonly KeyScope[] = ['title', 'rendition'];
const STATES: readonly KeyState[] = ['active', 'retired', 'revoked'];
const ALGORITHMS: readonly DrmPolicySpec['algorithm'][] = ['AES-128-CBC', 'AES-128-CTR'];

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function text(obj: Json, field: string, where: string): string {
  const value = obj[field];
  if (typeof value !== 'string' || value.length === 0) {
    throw new Error(`${where}: ${field} must be a non-empty string`);
  }
  return value;
}

function oneOf<T extends string>(obj: Json, field: string, allowed: readonly T[], where: string): T {
  const value = text(obj, field, where);
  if (!(allowed as readonly string[]).includes(value)) {
    throw new Error(`${where}: ${field} must be one of ${allowed.join(', ')}, got ${value}`);
  }
  return value as T;
}

function timestamp(obj: Json, field: string, where: string): string {
  const value = text(obj, field, where);
  if (Number.isNaN(Date.parse(value))) {
    throw new Error(`${where}: ${field} is not a timestamp: ${value}`);
  }
  return value;
}

function parseKey(value: unknown, where: string): StoredKey {
  if (!isObject(value)) {
    throw new Error(`${where}: not an object`);
  }
  const state = oneOf(value, 'state', STATES, where);
  const record: KeyRecord = {
    keyId: text(value, 'keyId', where),
    scope: oneOf(value, 'scope', SCOPES, where),
    target: text(value, 'target', where),
    createdAt: timestamp(value, 'createdAt', where),
    state,
  };
  if (state === 'retired' || value.retiredAt !== undefined) {
    record.retiredAt = timestamp(value, 'retiredAt', where);
  }
  if (state === 'revoked' || value.revokedAt !== undefined) {
    record.revokedAt = timestamp(value, 'revokedAt', where);
  }
  if (state !== 'revoked' && !isSealedKey(value.sealed)) {
    throw new Error(`${where}: key ${record.keyId} is ${state} but has no valid sealed record`);
  }
  return storedKey(record, value.sealed as SealedKey | undefined);
}

function decodeDocument(secret: SecretLike, where: string): Json {
  if (secret.type !== DRM_KEYS_SECRET_TYPE) {
    throw new Error(`${where}: type is ${String(secret.type)}, not ${DRM_KEYS_SECRET_TYPE}`);
  }
  const encoded = secret.data?.[KEYS_FILE];
  if (typeof encoded !== 'string') {
    throw new Error(`${where}: data has no ${KEYS_FILE}`);
  }
  let document: unknown;
  try {
    document = JSON.parse(Buffer.from(encoded, 'base64').toString('utf8'));
  } catch {
    throw new Error(`${where}: ${KEYS_FILE} is not base64-encoded JSON`);
  }
  if (!isObject(document) || document.version !== KEYS_DOCUMENT_VERSION || !Array.isArray(document.keys)) {
    throw new Error(`${where}: ${KEYS_FILE} is not a version ${KEYS_DOCUMENT_VERSION} keys document`);
  }
  return document;
}

/** Parses and validates a title's key Secret; throws with the Secret's name on anything unexpected. */
export function parseKeySecret(secret: SecretLike): KeysDocument {
  const where = `Secret ${secret.metadata?.namespace ?? '?'}/${secret.metadata?.name ?? '?'}`;
  const document = decodeDocument(secret, where);
  const title = text(document, 'title', where);
  const labelled = secret.metadata?.labels?.[TITLE_LABEL];
  // A Secret whose label and content disagree was edited or copied by hand; refuse rather than guess.
  if (labelled !== undefined && labelled !== title) {
    throw new Error(`${where}: labelled for title ${labelled} but holds keys of ${title}`);
  }
  const keys = (document.keys as unknown[]).map((k, i) => parseKey(k, `${where} key ${i}`));
  return {
    version: KEYS_DOCUMENT_VERSION,
    namespace: text(document, 'namespace', where),
    title,
    ...(document.tenant === undefined ? {} : { tenant: text(document, 'tenant', where) }),
    policy: text(document, 'policy', where),
    algorithm: oneOf(document, 'algorithm', ALGORITHMS, where),
    keys,
  };
}
