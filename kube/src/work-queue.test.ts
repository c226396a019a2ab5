import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { WorkQueue } from './work-queue.ts';

describe('WorkQueue', () => {
  it('queues a key once however often it is added', async () => {
    const q = new WorkQueue();
    q.add('a');
    q.add('a');
    q.add('b');
    assert.equal(q.depth, 2);
    assert.equal(await q.get(), 'a');
    assert.equal(await q.get(), 'b');
    assert.equal(q.depth, 0);
  });

  it('never hands a key being processed to a second worker, and re-queues it when done', async () => {
    const q = new WorkQueue();
    q.add('a');
    const key = await q.get();
    q.add('a'); // changed while processing
    assert.equal(q.depth, 0, 'a key in flight must not be queued again yet');
    q.done(key as string);
    assert.equal(q.depth, 1);
    assert.equal(await q.get(), 'a');
  });

  it('a key added after a delay many times waits once, at the earliest time asked', async () => {
    const q = new WorkQueue();
    for (let i = 0; i < 300; i++) {
      q.addAfter('ns', 60_000);
    }
    assert.equal(q.delayed, 1, 'one timer for the key, not 300');
    q.addAfter('ns', 5); // an earlier time replaces the later one
    assert.equal(q.delayed, 1);
    assert.equal(await q.get(), 'ns');
    assert.equal(q.delayed, 0, 'nothing else waits for the key');
    q.shutDown();
  });

  it('wakes a waiting worker when a key arrives', async () => {
    const q = new WorkQueue();
    const next = q.get();
    q.add('x');
    assert.equal(await next, 'x');
  });

  it('backs off exponentially per key and starts afresh after forget', () => {
    const q = new WorkQueue({ baseMs: 100, maxMs: 1000 });
    const delays = [1, 2, 3, 4, 5].map(() => q.addRateLimited('k'));
    assert.deepEqual(delays, [100, 200, 400, 800, 1000]);
    assert.equal(q.addRateLimited('other'), 100, 'backoff is per key');
    q.forget('k');
    assert.equal(q.addRateLimited('k'), 100);
    q.shutDown();
  });

  it('delivers a delayed key after its delay', async () => {
    const q = new WorkQueue();
    const started = Date.now();
    q.addAfter('later', 50);
    assert.equal(await q.get(), 'later');
    assert.ok(Date.now() - started >= 45);
  });

  it('releases waiting workers on shut down and takes no more keys', async () => {
    const q = new WorkQueue();
    const waiting = q.get();
    q.shutDown();
    assert.equal(await waiting, undefined);
    q.add('late');
    assert.equal(q.depth, 0);
  });

  it('takes keys again once reopened (a controller leading anew)', async () => {
    const q = new WorkQueue();
    q.shutDown();
    q.add('while-down');
    q.reopen();
    q.add('after');
    assert.equal(q.depth, 1);
    assert.equal(await q.get(), 'after');
  });
});
