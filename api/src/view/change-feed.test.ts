import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ChangeFeed, SUBSCRIBER_BUFFER } from './change-feed.ts';

test('subscribers get what passes their filter, in order, and stop cleanly', async () => {
  const feed = new ChangeFeed<{ n: number }>();
  const evens = feed.subscribe('n', (n) => n % 2 === 0);
  const first = evens.next(); // a subscription listens from its first read, as an SSE stream's does
  for (let i = 0; i < 6; i++) {
    feed.publish('n', i);
  }
  const got: number[] = [(await first).value as number];
  for await (const n of evens) {
    got.push(n);
    if (got.length === 3) {
      break;
    }
  }
  assert.deepEqual(got, [0, 2, 4]);
  assert.equal(feed.subscriberCount('n'), 0, 'returning from the loop unsubscribes');
});

test('a slow subscriber keeps only the newest events, up to its buffer', async () => {
  const feed = new ChangeFeed<{ n: number }>();
  const slow = feed.subscribe('n');
  const first = slow.next(); // starts the subscription
  const total = SUBSCRIBER_BUFFER * 3;
  for (let i = 0; i < total; i++) {
    feed.publish('n', i);
  }
  assert.equal((await first).value, 0);
  const rest: number[] = [];
  for (let i = 0; i < SUBSCRIBER_BUFFER; i++) {
    rest.push((await slow.next()).value as number);
  }
  assert.equal(rest.at(-1), total - 1, 'the newest event is kept');
  assert.ok((rest[0] ?? 0) > 1, 'the oldest were dropped');
  await slow.return?.();
});
