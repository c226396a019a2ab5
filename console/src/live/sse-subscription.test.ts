import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { nextDelay, parseSseChunk } from './sse-subscription.ts';

describe('the SSE reader', () => {
  it('splits complete events and keeps the partial one for the next chunk', () => {
    const { events, rest } = parseSseChunk('event: next\ndata: {"a":1}\n\n:\n\nevent: next\ndata: {"a"');
    assert.deepEqual(events, [{ event: 'next', data: '{"a":1}' }]);
    assert.equal(rest, 'event: next\ndata: {"a"');
    assert.deepEqual(parseSseChunk(`${rest}:2}\n\nevent: complete\ndata:\n\n`).events, [
      { event: 'next', data: '{"a":2}' },
      { event: 'complete', data: '' },
    ]);
  });

  it('reads CRLF streams and multi-line data', () => {
    assert.deepEqual(parseSseChunk('event: next\r\ndata: line1\r\ndata: line2\r\n\r\n').events, [
      { event: 'next', data: 'line1\nline2' },
    ]);
  });

  it('backs off from 1 s, doubling, to at most 30 s', () => {
    assert.deepEqual(
      [0, 1, 2, 3, 4, 5, 6, 50].map((a) => nextDelay(a, 1000, 30_000)),
      [1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000],
    );
  });
});
