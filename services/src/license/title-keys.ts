/**
 * The license service's view of the titles' key Secrets: a `get` by name (its Role allows
 * exactly that: no list, no watch), kept for a short TTL so a burst of license requests for one
 * title costs one API call, and concurrent misses share that call. Only sealed records are
 * kept; keys are opened per request and their plaintext zeroed after. The TTL bounds how long a
 * revocation or rotation takes to be seen (1 s by default): a revoked key is refused from the
 * first read after it, whatever the token says. A missing Secret is remembered as missing for
 * the same TTL, so tokens for a title without keys cannot make every request an API call.
 */
import { apiStatusCode, type KubeClient } from '@smart-fleet/kube';
import { type KeysDocument, keySecretName, parseKeySecret } from '../drm/key-secret.ts';

export const DEFAULT_KEYS_TTL_MS = 1000;
const DEFAULT_MAX_TITLES = 4096;

export interface TitleKeysOptions {
  client: KubeClient;
  /** Where the ContentTitles and their key Secrets live (the hub's fleet namespace). */
  namespace: string;
  ttlMs?: number;
  /** Titles kept at once; the oldest entry goes first. */
  maxTitles?: number;
  now?: () => number;
}

interface Entry {
  at: number;
  value: Promise<KeysDocument | undefined>;
}

export class TitleKeys {
  readonly #o: TitleKeysOptions;
  readonly #entries = new Map<string, Entry>();

  constructor(options: TitleKeysOptions) {
    this.#o = options;
  }

  get namespace(): string {
    return this.#o.namespace;
  }

  /** The title's keys document, or undefined when it has no key Secret; rejects when the API fails. */
  get(title: string): Promise<KeysDocument | undefined> {
    const now = (this.#o.now ?? Date.now)();
    const cached = this.#entries.get(title);
    if (cached && now - cached.at < (this.#o.ttlMs ?? DEFAULT_KEYS_TTL_MS)) {
      return cached.value;
    }
    const value = this.#read(title);
    this.#entries.delete(title);
    this.#entries.set(title, { at: now, value });
    // A failed read is not kept: the next request tries again.
    value.catch(() => {
      if (this.#entries.get(title)?.value === value) {
        this.#entries.delete(title);
      }
    });
    this.#evict();
    return value;
  }

  #evict(): void {
    const max = this.#o.maxTitles ?? DEFAULT_MAX_TITLES;
    for (const key of this.#entries.keys()) {
      if (this.#entries.size <= max) {
        return;
      }
      this.#entries.delete(key);
    }
  }

  async #read(title: string): Promise<KeysDocument | undefined> {
    const { client, namespace } = this.#o;
    try {
      const secret = await client.core.readNamespacedSecret({ name: keySecretName(title), namespace });
      const document = parseKeySecret(secret);
      if (document.title !== title) {
        throw new Error(`Secret ${namespace}/${keySecretName(title)} holds keys of ${document.title}`);
      }
      return document;
    } catch (error) {
      if (apiStatusCode(error) === 404) {
        return undefined;
      }
      throw error;
    }
  }
}
