/**
 * A GraphQL subscription over Server-Sent Events, as a client sees it: POST the operation (or a
 * persisted operation's id) with `Accept: text/event-stream`, then read `next` events until
 * told to stop or the server ends the stream.
 */
export interface SseSubscription {
  /** The next event's payload, or an error if none arrives within `timeoutMs`. */
  next(timeoutMs?: number): Promise<{ data?: Record<string, unknown>; errors?: { message: string }[] }>;
  /** Resolves true if no event arrives within `ms` (for "must not be told" checks). */
  silentFor(ms: number): Promise<boolean>;
  /** Resolves true once the server ends the stream, false if it is still open after `ms`; events meanwhile are kept for `next`. */
  endsWithin(ms: number): Promise<boolean>;
  close(): void;
}

export async function subscribe(
  url: string,
  headers: Record<string, string>,
  /** The document; undefined when `extensions` names a persisted operation instead. */
  query: string | undefined,
  variables?: Record<string, unknown>,
  extensions?: Record<string, unknown>,
): Promise<SseSubscription> {
  const abort = new AbortController();
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream', ...headers },
    body: JSON.stringify({ query, variables, extensions }),
    signal: abort.signal,
  });
  if (!response.ok || !response.body) {
    throw new Error(`subscription refused: HTTP ${response.status} ${await response.text()}`);
  }
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  const events: string[] = [];
  let pending: Promise<void> | undefined;
  const pump = async () => {
    const { value, done } = await reader.read();
    if (done) {
      throw new Error('the event stream ended');
    }
    buffer += value;
    const blocks = buffer.split('\n\n');
    buffer = blocks.pop() ?? '';
    for (const block of blocks) {
      const data = block.split('\n').find((l) => l.startsWith('data:'));
      if (block.includes('event: next') && data) {
        events.push(data.slice(5).trim());
      }
    }
  };
  const waitEvent = async (timeoutMs: number): Promise<string | undefined> => {
    const deadline = Date.now() + timeoutMs;
    while (events.length === 0) {
      const left = deadline - Date.now();
      if (left <= 0) {
        return undefined;
      }
      pending ??= pump().finally(() => {
        pending = undefined;
      });
      await Promise.race([pending, new Promise((resolve) => setTimeout(resolve, left))]);
    }
    return events.shift();
  };
  return {
    async next(timeoutMs = 10_000) {
      const event = await waitEvent(timeoutMs);
      if (event === undefined) {
        throw new Error(`no subscription event within ${timeoutMs} ms`);
      }
      return JSON.parse(event);
    },
    async silentFor(ms) {
      return (await waitEvent(ms)) === undefined;
    },
    async endsWithin(ms) {
      const deadline = Date.now() + ms;
      for (;;) {
        const left = deadline - Date.now();
        if (left <= 0) {
          return false;
        }
        pending ??= pump().finally(() => {
          pending = undefined;
        });
        let timer: NodeJS.Timeout | undefined;
        const outcome = await Promise.race([
          pending.then(
            () => 'event' as const,
            () => 'ended' as const,
          ),
          new Promise<'open'>((resolve) => {
            timer = setTimeout(resolve, left, 'open');
          }),
        ]);
        clearTimeout(timer);
        if (outcome !== 'event') {
          return outcome === 'ended';
        }
      }
    },
    close() {
      abort.abort();
    },
  };
}
