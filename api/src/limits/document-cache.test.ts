import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TextKeyedCache } from './document-cache.ts';

test('holds at most maxEntries, dropping the least recently used', () => {
  const cache = new TextKeyedCache<number>({ maxEntries: 2, maxKeyCharacters: 1000 });
  cache.set('a', 1);
  cache.set('b', 2);
  assert.equal(cache.get('a'), 1); // a is now the most recent
  cache.set('c', 3);
  assert.equal(cache.get('b'), undefined);
  assert.deepEqual([cache.get('a'), cache.get('c'), cache.size], [1, 3, 2]);
});

test('holds at most maxKeyCharacters of keys, and never one key over a sixteenth of them', () => {
  const cache = new TextKeyedCache<true>({ maxEntries: 1000, maxKeyCharacters: 1600 });
  for (let i = 0; i < 30; i++) {
    cache.set(`${i}`.padEnd(100, '.'), true);
  }
  assert.equal(cache.keyCharacters, 1600);
  assert.equal(cache.size, 16);
  cache.set('x'.repeat(101), true);
  assert.equal(cache.get('x'.repeat(101)), undefined, 'a huge key is not kept');
  assert.equal(cache.size, 16);
});

test('setting a key again replaces it without counting it twice', () => {
  const cache = new TextKeyedCache<number>({ maxEntries: 10, maxKeyCharacters: 100 });
  cache.set('abc', 1);
  cache.set('abc', 2);
  assert.deepEqual([cache.get('abc'), cache.size, cache.keyCharacters], [2, 1, 3]);
});
