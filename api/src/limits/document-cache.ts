/**
 * The parsed-document (and parse-error) cache yoga keeps, keyed by a document's text, bounded by
 * the text it holds as well as by count. yoga's default holds 1,024 entries of any size, and
 * caches refusals too, so a thousand distinct megabyte documents would have pinned a gigabyte.
 */

export interface TextKeyedCacheOptions {
  maxEntries: number;
  /** Characters of keys held in all; the least recently used entries go first. */
  maxKeyCharacters: number;
}

export const DOCUMENT_CACHE_LIMITS: TextKeyedCacheOptions = { maxEntries: 1024, maxKeyCharacters: 4_000_000 };

/** An LRU cache (a Map in recency order) with yoga's `get`/`set` shape. */
export class TextKeyedCache<T> {
  readonly #entries = new Map<string, T>();
  readonly #options: TextKeyedCacheOptions;
  #keyCharacters = 0;

  constructor(options: TextKeyedCacheOptions = DOCUMENT_CACHE_LIMITS) {
    this.#options = options;
  }

  get(key: string): T | undefined {
    const value = this.#entries.get(key);
    if (value !== undefined) {
      this.#entries.delete(key);
      this.#entries.set(key, value);
    }
    return value;
  }

  set(key: string, value: T): void {
    if (key.length > this.#options.maxKeyCharacters / 16) {
      return; // one huge document would push out hundreds of ordinary ones
    }
    if (this.#entries.delete(key)) {
      this.#keyCharacters -= key.length;
    }
    this.#entries.set(key, value);
    this.#keyCharacters += key.length;
    while (
      this.#entries.size > this.#options.maxEntries ||
      this.#keyCharacters > this.#options.maxKeyCharacters
    ) {
      const oldest = this.#entries.keys().next().value as string;
      this.#entries.delete(oldest);
      this.#keyCharacters -= oldest.length;
    }
  }

  get size(): number {
    return this.#entries.size;
  }

  get keyCharacters(): number {
    return this.#keyCharacters;
  }
}
