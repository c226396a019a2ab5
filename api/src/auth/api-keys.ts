/**
 * Partner API keys. The hub is the source of truth: each key is a Secret holding only a hash of
 * the key, never the key. Every API replica keeps all keys in memory, fed by a watch, so a key
 * checks without a round trip and a revocation made through any replica reaches all of them.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { type Informer, makeInformer, type ObjectCache, type V1Secret } from '@kubernetes/client-node';
import { apiErrorMessage, apiStatusCode, type KubeClient } from '@smart-fleet/kube';
import { LABELS } from '@smart-fleet/model';
import { PARTNER_SCOPES, type PartnerScope, type Principal } from './principal.ts';

export interface ApiKeyRecord {
  /** 12 hex characters; public (it is part of the key and shown in listings). */
  id: string;
  tenant: string;
  /** A human label ("Acme dashboard"). */
  name: string;
  scopes: PartnerScope[];
  createdBy: string;
  /** ISO 8601. */
  createdAt: string;
}

export interface NewApiKey {
  tenant: string;
  name: string;
  scopes: PartnerScope[];
  createdBy: string;
}

export interface ApiKeyStoreOptions {
  /** Where watch trouble is reported; never given key material. */
  log?: (line: string) => void;
}

const KIND_LABEL = 'smartfleet.io/api-key';
const SELECTOR = `${KIND_LABEL}=partner`;
const SECRET_TYPE = 'smartfleet.io/api-key';
const ID_PATTERN = /^[0-9a-f]{12}$/;
/** `sfk_<id>_<secret>`: the secret is 32 random bytes in base64url (43 characters, no padding). */
const KEY_PATTERN = /^sfk_([0-9a-f]{12})_[A-Za-z0-9_-]{43}$/;
const SECRET_NAME_PATTERN = /^api-key-([0-9a-f]{12})$/;
/** A Kubernetes object name, as tenants are named (and so also a valid label value). */
const TENANT_PATTERN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const CONTROL_CHARACTERS = /\p{Cc}/u;
const RESTART_DELAY_MS = { first: 1000, max: 30_000 };

interface Entry {
  record: ApiKeyRecord;
  /** SHA-256 of the whole key string. */
  hash: Buffer;
}

/**
 * A plain SHA-256, not a slow password hash: a key carries 256 random bits, so there is nothing
 * to brute-force even with the hash in hand, and a fast hash keeps each request cheap.
 */
function hashOf(key: string): Buffer {
  return createHash('sha256').update(key, 'utf8').digest();
}

function secretName(id: string): string {
  return `api-key-${id}`;
}

function validated(input: NewApiKey): NewApiKey {
  const { tenant, name, scopes, createdBy } = input;
  if (typeof tenant !== 'string' || tenant.length > 63 || !TENANT_PATTERN.test(tenant)) {
    throw new TypeError(
      "tenant must be a Kubernetes object name: lowercase letters, digits and '-', at most 63 characters",
    );
  }
  const nameLength = typeof name === 'string' ? [...name].length : 0;
  if (nameLength < 1 || nameLength > 128 || name.trim() === '' || CONTROL_CHARACTERS.test(name)) {
    throw new TypeError('name must be 1 to 128 characters, not blank, without control characters');
  }
  const known = new Set<string>(PARTNER_SCOPES);
  if (!Array.isArray(scopes) || scopes.length === 0 || !scopes.every((s) => known.has(s))) {
    throw new TypeError(`scopes must be a non-empty list drawn from ${PARTNER_SCOPES.join(', ')}`);
  }
  if (typeof createdBy !== 'string' || createdBy.length === 0) {
    throw new TypeError('createdBy must name who creates the key');
  }
  // One order, no repeats: stored and listed the same way whatever the caller sent.
  return { tenant, name, createdBy, scopes: PARTNER_SCOPES.filter((s) => scopes.includes(s)) };
}

function secretFor(record: ApiKeyRecord, hash: Buffer, namespace: string): V1Secret {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name: secretName(record.id),
      namespace,
      labels: { [KIND_LABEL]: 'partner', [LABELS.tenant]: record.tenant },
    },
    type: SECRET_TYPE,
    stringData: {
      hash: hash.toString('hex'),
      tenant: record.tenant,
      scopes: record.scopes.join(','),
      name: record.name,
      createdBy: record.createdBy,
      createdAt: record.createdAt,
    },
  };
}

/** The Secret's `data` (base64, as the API serves it) decoded; undefined values for absent fields. */
function decodedData(secret: V1Secret): (field: string) => string | undefined {
  const data = secret.data ?? {};
  return (field) => {
    const value = data[field];
    return value === undefined ? undefined : Buffer.from(value, 'base64').toString('utf8');
  };
}

/** A Secret back to a key entry; undefined for anything that is not a well-formed key Secret. */
function entryFrom(secret: V1Secret): Entry | undefined {
  const id = SECRET_NAME_PATTERN.exec(secret.metadata?.name ?? '')?.[1];
  const field = decodedData(secret);
  const hash = field('hash') ?? '';
  const tenant = field('tenant');
  // Unknown scopes (a newer replica's, a hand edit) grant nothing here.
  const scopes = PARTNER_SCOPES.filter((s) => (field('scopes') ?? '').split(',').includes(s));
  if (!id || !/^[0-9a-f]{64}$/.test(hash) || !tenant || scopes.length === 0) {
    return undefined;
  }
  const record: ApiKeyRecord = {
    id,
    tenant,
    name: field('name') ?? id,
    scopes,
    createdBy: field('createdBy') ?? '',
    createdAt: field('createdAt') ?? secret.metadata?.creationTimestamp?.toISOString() ?? '',
  };
  return { record, hash: Buffer.from(hash, 'hex') };
}

function copy(record: ApiKeyRecord): ApiKeyRecord {
  return { ...record, scopes: [...record.scopes] };
}

type SecretInformer = Informer<V1Secret> & ObjectCache<V1Secret>;

export class ApiKeyStore {
  readonly #client: KubeClient;
  readonly #namespace: string;
  readonly #log: (line: string) => void;
  readonly #entries = new Map<string, Entry>();
  /**
   * Ids revoked here whose deletion the watch has not reported yet: the watch can still deliver
   * the key's older ADDED event after the local removal, which must not bring the key back. Ids
   * are random and never reused, so a tombstone the watch never clears costs a few bytes only.
   */
  readonly #tombstones = new Set<string>();
  /** Who waits to hear that a key is gone (open subscription streams), by key id. */
  readonly #revocationListeners = new Map<string, Set<() => void>>();
  #informer?: SecretInformer;
  #stopped = false;
  #synced = false;
  #restartDelayMs = RESTART_DELAY_MS.first;
  #restartTimer?: NodeJS.Timeout;
  #restarting?: Promise<void>;
  #errors = 0;

  constructor(client: KubeClient, namespace: string, options: ApiKeyStoreOptions = {}) {
    this.#client = client;
    this.#namespace = namespace;
    this.#log = options.log ?? (() => {});
  }

  /** True while the watch is up; false means revocations made elsewhere may not have arrived. */
  get synced(): boolean {
    return this.#synced;
  }

  /** Lists the keys, then watches them; rejects if the first list or watch fails. */
  async start(): Promise<void> {
    if (this.#informer) {
      return;
    }
    const namespace = this.#namespace;
    // client-node applies the label selector to the watch only: the list must carry it too.
    const list = () => this.#client.core.listNamespacedSecret({ namespace, labelSelector: SELECTOR });
    const informer = makeInformer<V1Secret>(
      this.#client.kc,
      `/api/v1/namespaces/${namespace}/secrets`,
      list,
      SELECTOR,
    );
    informer.on('add', (secret) => this.#upsert(secret));
    informer.on('update', (secret) => this.#upsert(secret));
    informer.on('delete', (secret) => this.#remove(secret));
    let failure: unknown;
    const onFirstError = (error: unknown) => {
      failure ??= error ?? new Error('watch failed');
    };
    informer.on('error', onFirstError);
    await informer.start(); // resolves, rather than rejects, when the list or watch fails
    informer.off('error', onFirstError);
    if (failure !== undefined) {
      await informer.stop();
      throw new Error(`API keys: cannot list Secrets in namespace ${namespace}: ${apiErrorMessage(failure)}`);
    }
    informer.on('error', (error: unknown) => this.#restartAfter(error));
    this.#informer = informer;
    this.#synced = true;
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#synced = false;
    clearTimeout(this.#restartTimer);
    // A restart in flight may open a watch after this; stopping after it settles closes that too.
    await this.#restarting;
    await this.#informer?.stop();
  }

  /** Makes a key; the returned `key` is the only time anyone sees it. */
  async create(input: NewApiKey): Promise<{ id: string; key: string; record: ApiKeyRecord }> {
    const valid = validated(input);
    // 48 random bits: a clash is vanishingly rare, and would fail the create (409), not overwrite.
    const id = randomBytes(6).toString('hex');
    const key = `sfk_${id}_${randomBytes(32).toString('base64url')}`;
    const record: ApiKeyRecord = { id, ...valid, createdAt: new Date().toISOString() };
    const hash = hashOf(key);
    await this.#client.core.createNamespacedSecret({
      namespace: this.#namespace,
      body: secretFor(record, hash, this.#namespace),
    });
    // Usable at once on this replica, before the watch reports it.
    this.#entries.set(id, { record, hash });
    return { id, key, record: copy(record) };
  }

  /** Deletes the key; false if there was no such key. */
  async revoke(id: string): Promise<boolean> {
    if (!ID_PATTERN.test(id)) {
      return false;
    }
    let existed = true;
    try {
      await this.#client.core.deleteNamespacedSecret({ name: secretName(id), namespace: this.#namespace });
    } catch (error) {
      if (apiStatusCode(error) !== 404) {
        throw error;
      }
      existed = false;
    }
    this.#tombstones.add(id);
    this.#entries.delete(id);
    this.#revoked(id);
    return existed;
  }

  /** Every key, or one tenant's, oldest first. */
  list(tenant?: string): ApiKeyRecord[] {
    return [...this.#entries.values()]
      .map((e) => e.record)
      .filter((r) => tenant === undefined || r.tenant === tenant)
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id))
      .map(copy);
  }

  get(id: string): ApiKeyRecord | undefined {
    const entry = this.#entries.get(id);
    return entry && copy(entry.record);
  }

  /** The partner a key belongs to; undefined for a malformed, unknown or revoked key. */
  verify(key: string): Principal | undefined {
    const id = typeof key === 'string' ? KEY_PATTERN.exec(key)?.[1] : undefined;
    // Ids are not secret, so answering faster for an unknown id gives nothing away.
    const entry = id === undefined ? undefined : this.#entries.get(id);
    if (!entry || !timingSafeEqual(hashOf(key), entry.hash)) {
      return undefined;
    }
    const { record } = entry;
    return {
      kind: 'partner',
      id: record.id,
      tenant: record.tenant,
      scopes: new Set(record.scopes),
      display: `${record.name} (${record.tenant})`,
    };
  }

  /**
   * Calls `listener` once, when key `id` is revoked here or its Secret goes away (revoked through
   * another replica, deleted, or no longer well-formed); at once if it is already gone. Returns
   * what stops listening.
   */
  onRevoked(id: string, listener: () => void): () => void {
    if (!this.#entries.has(id)) {
      listener();
      return () => {};
    }
    const listeners = this.#revocationListeners.get(id) ?? new Set();
    this.#revocationListeners.set(id, listeners);
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
      if (listeners.size === 0 && this.#revocationListeners.get(id) === listeners) {
        this.#revocationListeners.delete(id);
      }
    };
  }

  #revoked(id: string): void {
    const listeners = this.#revocationListeners.get(id);
    this.#revocationListeners.delete(id);
    for (const listener of listeners ?? []) {
      listener();
    }
  }

  #upsert(secret: V1Secret): void {
    const entry = entryFrom(secret);
    if (!entry) {
      // A Secret that no longer parses must stop working, not keep its old meaning.
      this.#remove(secret);
      this.#log(`API keys: ignoring malformed Secret ${this.#namespace}/${secret.metadata?.name}`);
      return;
    }
    if (!this.#tombstones.has(entry.record.id)) {
      this.#entries.set(entry.record.id, entry);
    }
  }

  #remove(secret: V1Secret): void {
    const id = SECRET_NAME_PATTERN.exec(secret.metadata?.name ?? '')?.[1];
    if (id) {
      this.#entries.delete(id);
      this.#tombstones.delete(id);
      this.#revoked(id);
    }
  }

  /**
   * client-node's informer stops for good after a list or watch error (an API-server restart, a
   * dropped connection); it only reports it. Restart it with backoff (1 s doubling to 30 s); it
   * resumes from the last resourceVersion, or relists if that is too old, so no revocation is lost.
   */
  #restartAfter(error: unknown): void {
    this.#errors++;
    this.#synced = false;
    if (this.#stopped || this.#restartTimer) {
      return;
    }
    const delay = this.#restartDelayMs;
    this.#restartDelayMs = Math.min(delay * 2, RESTART_DELAY_MS.max);
    this.#log(`API keys: watch failed (${apiErrorMessage(error)}); retrying in ${delay} ms`);
    this.#restartTimer = setTimeout(() => {
      this.#restartTimer = undefined;
      this.#restarting = this.#restart();
    }, delay);
  }

  async #restart(): Promise<void> {
    const informer = this.#informer;
    if (this.#stopped || !informer) {
      return;
    }
    const errorsBefore = this.#errors;
    await informer.start().catch(() => undefined); // a failed start reports another error
    if (this.#errors === errorsBefore && !this.#stopped) {
      this.#synced = true;
      this.#restartDelayMs = RESTART_DELAY_MS.first;
      this.#log('API keys: watch restarted');
    }
  }
}
