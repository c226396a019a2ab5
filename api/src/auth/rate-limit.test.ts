import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RateLimiter } from './rate-limit.ts';

const T0 = 1_700_000_000_000;

test('a burst is allowed at once, then the next request is refused with a sensible retry-after', () => {
  const limiter = new RateLimiter({ ratePerSecond: 2, burst: 5 });
  for (let i = 0; i < 5; i++) {
    assert.deepEqual(limiter.take('key-a', T0), { ok: true }, `request ${i + 1} of the burst`);
  }
  // One token comes back every 500 ms: the caller should wait a second (rounded up), not longer.
  assert.deepEqual(limiter.take('key-a', T0), { ok: false, retryAfterSeconds: 1 });
});

test('retry-after grows when the rate is slow', () => {
  const limiter = new RateLimiter({ ratePerSecond: 0.1, burst: 1 });
  assert.equal(limiter.take('k', T0).ok, true);
  assert.deepEqual(limiter.take('k', T0 + 2000), { ok: false, retryAfterSeconds: 8 });
});

test('tokens refill over time at the rate, up to the burst and no further', () => {
  const limiter = new RateLimiter({ ratePerSecond: 2, burst: 3 });
  for (let i = 0; i < 3; i++) {
    limiter.take('k', T0);
  }
  assert.equal(limiter.take('k', T0 + 499).ok, false, 'no token yet after 499 ms');
  assert.equal(limiter.take('k', T0 + 500).ok, true, 'one token after 500 ms');
  assert.equal(limiter.take('k', T0 + 500).ok, false, 'and only one');
  // An hour idle refills to the burst (3), not to 7200.
  const later = T0 + 3_600_000;
  const results = Array.from({ length: 4 }, () => limiter.take('k', later).ok);
  assert.deepEqual(results, [true, true, true, false]);
});

test('a clock stepping back neither refills nor breaks the bucket', () => {
  const limiter = new RateLimiter({ ratePerSecond: 1, burst: 1 });
  assert.equal(limiter.take('k', T0).ok, true);
  assert.equal(limiter.take('k', T0 - 10_000).ok, false);
  assert.equal(limiter.take('k', T0 + 1000).ok, true);
});

test('each key has its own bucket', () => {
  const limiter = new RateLimiter({ ratePerSecond: 1, burst: 2 });
  assert.equal(limiter.take('a', T0).ok, true);
  assert.equal(limiter.take('a', T0).ok, true);
  assert.equal(limiter.take('a', T0).ok, false);
  assert.equal(limiter.take('b', T0).ok, true, 'b is not limited by a');
  assert.equal(limiter.take('b', T0).ok, true);
  assert.equal(limiter.take('b', T0).ok, false);
});

test('memory is bounded: past maxKeys the least recently used key is forgotten', () => {
  const limiter = new RateLimiter({ ratePerSecond: 1, burst: 1, maxKeys: 2 });
  limiter.take('a', T0);
  limiter.take('b', T0);
  limiter.take('a', T0); // a is now more recent than b (and refused: its bucket is empty)
  limiter.take('c', T0); // evicts b, the least recently used
  assert.equal(limiter.size, 2);
  assert.equal(limiter.take('a', T0).ok, false, 'a was kept, still empty');
  assert.equal(limiter.take('b', T0).ok, true, 'b was forgotten, so it starts full again');
  assert.equal(limiter.size, 2);
});

test('nonsense options are refused', () => {
  assert.throws(() => new RateLimiter({ ratePerSecond: 0, burst: 1 }), RangeError);
  assert.throws(() => new RateLimiter({ ratePerSecond: 1, burst: 0 }), RangeError);
  assert.throws(() => new RateLimiter({ ratePerSecond: 1, burst: 1, maxKeys: 0 }), RangeError);
  assert.throws(() => new RateLimiter({ ratePerSecond: Number.NaN, burst: 1 }), RangeError);
});

test('peek tells what take would, spending nothing', () => {
  const limiter = new RateLimiter({ ratePerSecond: 1, burst: 1 });
  for (let i = 0; i < 3; i++) {
    assert.deepEqual(limiter.peek('k', T0), { ok: true });
  }
  assert.equal(limiter.take('k', T0).ok, true);
  assert.deepEqual(limiter.peek('k', T0), { ok: false, retryAfterSeconds: 1 });
});
