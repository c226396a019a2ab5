/**
 * react-admin pages by number (page 7 of 50 rows); the API pages by Relay cursor (`first` rows
 * `after` a cursor). The pager remembers, per list (resource, filter, sort and page size), the
 * cursor each page starts after, so moving to the next or previous page is one request. A jump
 * to a page it has no cursor for skips ahead from the nearest known page, 500 rows (the API's
 * largest page) per request with nothing but the end cursor selected; the last page is read
 * from the end (`last`) directly. Bounded: a few dozen remembered lists, and a skip never takes
 * more requests than the fleet has 500-row pages.
 */
export interface ConnectionPage<T> {
  rows: T[];
  totalCount: number;
  endCursor: string | null;
  hasNextPage: boolean;
}

export interface PageSource<T> {
  /** One page of rows: `first` after a cursor, or the `last` rows of the list. */
  page(args: { first?: number; after?: string; last?: number }): Promise<ConnectionPage<T>>;
  /** The cursor `first` rows after `after`, without reading the rows. */
  skip(args: { first: number; after?: string }): Promise<{ endCursor: string | null; totalCount: number }>;
}

export const MAX_PAGE_SIZE = 500;
const MAX_LISTS = 32;
/** 21,000 sites are 42 skips of 500; far beyond that something is wrong, not slow. */
const MAX_SKIPS = 200;

export class PagingError extends Error {
  override name = 'PagingError';
}

interface ListState {
  /** Page number -> the cursor it starts after (null: the start). */
  starts: Map<number, string | null>;
  total?: number;
}

export class CursorPager {
  readonly #lists = new Map<string, ListState>();

  async getPage<T>(
    key: string,
    source: PageSource<T>,
    request: { page: number; perPage: number },
  ): Promise<{ data: T[]; total: number }> {
    const { page, perPage } = request;
    if (
      !Number.isInteger(page) ||
      page < 1 ||
      !Number.isInteger(perPage) ||
      perPage < 1 ||
      perPage > MAX_PAGE_SIZE
    ) {
      throw new PagingError(
        `page ${page} of ${perPage} rows: pages start at 1 and hold 1 to ${MAX_PAGE_SIZE} rows`,
      );
    }
    const list = this.#list(key);
    const total = list.total;
    if (total !== undefined && page > 1 && !list.starts.has(page) && page === Math.ceil(total / perPage)) {
      const result = await source.page({ last: total - (page - 1) * perPage });
      list.total = result.totalCount;
      return { data: result.rows, total: result.totalCount };
    }
    const after = await this.#startOf(list, source, page, perPage);
    if (after === undefined) {
      return { data: [], total: list.total ?? 0 }; // past the end
    }
    const result = await source.page({ first: perPage, after: after ?? undefined });
    list.total = result.totalCount;
    if (result.hasNextPage && result.endCursor) {
      list.starts.set(page + 1, result.endCursor);
    }
    return { data: result.rows, total: result.totalCount };
  }

  /** Forget every remembered cursor (after a sign-out, or when the lists' shape changed). */
  clear(): void {
    this.#lists.clear();
  }

  #list(key: string): ListState {
    let list = this.#lists.get(key);
    if (list) {
      this.#lists.delete(key); // re-inserted below: most recently used last
    } else {
      list = { starts: new Map([[1, null]]) };
    }
    this.#lists.set(key, list);
    if (this.#lists.size > MAX_LISTS) {
      this.#lists.delete(this.#lists.keys().next().value as string);
    }
    return list;
  }

  /** The cursor page `page` starts after; undefined when the list ends before it. */
  async #startOf<T>(list: ListState, source: PageSource<T>, page: number, perPage: number) {
    const known = list.starts.get(page);
    if (known !== undefined) {
      return known;
    }
    const from = Math.max(...[...list.starts.keys()].filter((p) => p < page));
    let after = list.starts.get(from) ?? null;
    let rows = (page - from) * perPage;
    for (let skips = 0; rows > 0; skips++) {
      if (skips >= MAX_SKIPS) {
        throw new PagingError(`page ${page} is more than ${MAX_SKIPS * MAX_PAGE_SIZE} rows in`);
      }
      const step = Math.min(MAX_PAGE_SIZE, rows);
      const skipped = await source.skip({ first: step, after: after ?? undefined });
      list.total = skipped.totalCount;
      if (!skipped.endCursor) {
        return undefined;
      }
      after = skipped.endCursor;
      rows -= step;
    }
    list.starts.set(page, after);
    return after;
  }
}
