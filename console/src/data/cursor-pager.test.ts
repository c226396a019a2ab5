import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CursorPager, type PageSource, PagingError } from './cursor-pager.ts';

/** A Relay connection over an in-memory list (cursor = row index), counting its requests. */
function connection(rows: number) {
  const all = Array.from({ length: rows }, (_, i) => `row-${i}`);
  const calls = { page: 0, skip: 0 };
  const after = (cursor?: string) => (cursor === undefined ? 0 : Number(cursor) + 1);
  const source: PageSource<string> = {
    async page({ first, after: cursor, last }) {
      calls.page += 1;
      const start = last !== undefined ? Math.max(0, rows - last) : after(cursor);
      const end = last !== undefined ? rows : Math.min(rows, start + (first ?? 0));
      const slice = all.slice(start, end);
      return {
        rows: slice,
        totalCount: rows,
        endCursor: slice.length ? String(end - 1) : null,
        hasNextPage: end < rows,
      };
    },
    async skip({ first, after: cursor }) {
      calls.skip += 1;
      const end = Math.min(rows, after(cursor) + first);
      return { endCursor: end > after(cursor) ? String(end - 1) : null, totalCount: rows };
    },
  };
  return { source, calls };
}

describe('page numbers onto Relay cursors', () => {
  it('pages forward one request a page, remembering where each starts', async () => {
    const pager = new CursorPager();
    const { source, calls } = connection(120);
    assert.deepEqual(await pager.getPage('k', source, { page: 1, perPage: 50 }), {
      data: Array.from({ length: 50 }, (_, i) => `row-${i}`),
      total: 120,
    });
    const second = await pager.getPage('k', source, { page: 2, perPage: 50 });
    assert.equal(second.data[0], 'row-50');
    assert.deepEqual(calls, { page: 2, skip: 0 });
    const back = await pager.getPage('k', source, { page: 1, perPage: 50 });
    assert.equal(back.data[0], 'row-0');
    assert.deepEqual(calls, { page: 3, skip: 0 });
  });

  it('jumps to a far page by skipping 500 rows a request, reading no rows on the way', async () => {
    const pager = new CursorPager();
    const { source, calls } = connection(21_000);
    await pager.getPage('k', source, { page: 1, perPage: 50 });
    const page = await pager.getPage('k', source, { page: 301, perPage: 50 });
    assert.equal(page.data[0], 'row-15000');
    assert.equal(calls.skip, 30, '15,000 rows skipped in 30 requests of 500');
  });

  it('reads the last page from the end directly once it knows the total', async () => {
    const pager = new CursorPager();
    const { source, calls } = connection(21_011);
    await pager.getPage('k', source, { page: 1, perPage: 50 });
    const last = await pager.getPage('k', source, { page: 421, perPage: 50 });
    assert.deepEqual(last.data, [
      'row-21000',
      'row-21001',
      'row-21002',
      'row-21003',
      'row-21004',
      'row-21005',
      'row-21006',
      'row-21007',
      'row-21008',
      'row-21009',
      'row-21010',
    ]);
    assert.equal(calls.skip, 0);
  });

  it('answers an empty page past the end, with the total', async () => {
    const pager = new CursorPager();
    const { source } = connection(30);
    assert.deepEqual(await pager.getPage('k', source, { page: 5, perPage: 25 }), { data: [], total: 30 });
  });

  it('keeps lists apart by key', async () => {
    const pager = new CursorPager();
    const small = connection(10);
    const big = connection(1000);
    await pager.getPage('a', small.source, { page: 1, perPage: 5 });
    assert.equal((await pager.getPage('b', big.source, { page: 2, perPage: 5 })).data[0], 'row-5');
    assert.equal((await pager.getPage('a', small.source, { page: 2, perPage: 5 })).data[0], 'row-5');
  });

  it('refuses a page or page size out of bounds, saying the bounds', async () => {
    const pager = new CursorPager();
    const { source } = connection(10);
    await assert.rejects(pager.getPage('k', source, { page: 0, perPage: 10 }), PagingError);
    await assert.rejects(pager.getPage('k', source, { page: 1, perPage: 501 }), /hold 1 to 500 rows/);
    await assert.rejects(pager.getPage('k', source, { page: 1.5, perPage: 10 }), PagingError);
  });
});
