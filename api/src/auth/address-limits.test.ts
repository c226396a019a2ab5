import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AddressLimiter } from './address-limits.ts';

const T0 = 1_700_000_000_000;
const limiter = () =>
  new AddressLimiter({
    requests: { ratePerSecond: 2, burst: 5 },
    failures: { ratePerSecond: 1, burst: 3 },
  });

test('after 3 failures an address is refused outright, then let in again as the failures bucket refills', () => {
  const l = limiter();
  for (let i = 0; i < 3; i++) {
    assert.deepEqual(l.admit('a', T0), { ok: true });
    l.failed('a', T0);
  }
  assert.deepEqual(l.admit('a', T0), {
    ok: false,
    retryAfterSeconds: 1,
    message: 'too many failed authentications from this address; retry in 1 s',
  });
  assert.equal(l.admit('b', T0).ok, true, 'another address is unaffected');
  assert.equal(l.admit('a', T0 + 1000).ok, true, 'one failure forgiven a second later');
  l.failed('a', T0 + 1000);
  assert.equal(l.admit('a', T0 + 1000).ok, false);
});

test('a refused address spends no request tokens while it waits', () => {
  const l = limiter();
  for (let i = 0; i < 3; i++) {
    l.failed('a', T0);
  }
  for (let i = 0; i < 10; i++) {
    assert.equal(l.admit('a', T0).ok, false);
  }
  // Three seconds later the failures refilled; the request bucket was never touched.
  for (let i = 0; i < 5; i++) {
    assert.equal(l.admit('a', T0 + 3000).ok, true, `request ${i + 1}`);
  }
});

test('every request spends a request token: a flood is refused with its own message', () => {
  const l = limiter();
  for (let i = 0; i < 5; i++) {
    assert.equal(l.admit('a', T0).ok, true);
  }
  assert.deepEqual(l.admit('a', T0), {
    ok: false,
    retryAfterSeconds: 1,
    message: 'rate limit for this address exceeded; retry in 1 s',
  });
});
