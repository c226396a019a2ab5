/**
 * A GraphQL subscription over Server-Sent Events as the API serves them (graphql-sse's distinct
 * connections mode: POST the operation with `Accept: text/event-stream`, read `next` events).
 * EventSource cannot send an Authorization header, so this reads the stream with fetch. It
 * reconnects on its own, with a backoff from 1 s to 30 s, and reports its state so the console
 * can show whether it is live; after a reconnect the caller refetches what it may have missed.
 * An event larger than 1 MB is refused rather than buffered without bound.
 */
export type LiveState = 'connecting' | 'live' | 'reconnecting' | 'stopped';

export interface SubscriptionOptions {
  url: string;
  headers: () => Record<string, string> | undefined;
  body: () => Promise<string>;
  onEvent(payload: { data?: Record<string, unknown>; errors?: { message: string }[] }): void;
  onState(state: LiveState, detail?: string): void;
  /** Backoff bounds; the defaults suit a NOC screen left open all day. */
  minDelayMs?: number;
  maxDelayMs?: number;
  fetch?: typeof fetch;
}

const MAX_EVENT_BYTES = 1_000_000;

/** Splits an SSE text stream into events; returns the complete ones and what is left over. */
export function parseSseChunk(buffer: string): { events: { event: string; data: string }[]; rest: string } {
  const blocks = buffer.split(/\r?\n\r?\n/);
  const rest = blocks.pop() ?? '';
  const events = blocks.flatMap((block) => {
    let event = 'message';
    const data: string[] = [];
    for (const line of block.split(/\r?\n/)) {
      if (line.startsWith('event:')) {
        event = line.slice(6).trim();
      } else if (line.startsWith('data:')) {
        data.push(line.slice(5).trimStart());
      }
    }
    return data.length > 0 || event !== 'message' ? [{ event, data: data.join('\n') }] : [];
  });
  return { events, rest };
}

export function nextDelay(attempt: number, min: number, max: number): number {
  return Math.min(max, min * 2 ** Math.min(attempt, 10));
}

export function subscribe(options: SubscriptionOptions): { stop(): void } {
  const doFetch = options.fetch ?? ((input, init) => fetch(input, init));
  const min = options.minDelayMs ?? 1000;
  const max = options.maxDelayMs ?? 30_000;
  let stopped = false;
  let abort: AbortController | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let attempt = 0;

  /** Handles the complete events; true once the server said the subscription is complete. */
  const deliver = (events: { event: string; data: string }[]): boolean => {
    for (const event of events) {
      if (event.event === 'complete') {
        return true;
      }
      if (event.event === 'next' && event.data !== '') {
        options.onEvent(JSON.parse(event.data));
      }
    }
    return false;
  };

  const read = async (response: Response) => {
    const decoder = new TextDecoderStream() as unknown as ReadableWritablePair<string, Uint8Array>;
    const reader = (response.body as ReadableStream<Uint8Array>).pipeThrough(decoder).getReader();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) {
        return;
      }
      buffer += value;
      if (buffer.length > MAX_EVENT_BYTES) {
        throw new Error('an event exceeded 1 MB');
      }
      const parsed = parseSseChunk(buffer);
      buffer = parsed.rest;
      if (deliver(parsed.events)) {
        return;
      }
    }
  };

  const open = async (headers: Record<string, string>) => {
    abort = new AbortController();
    const response = await doFetch(options.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream', ...headers },
      body: await options.body(),
      signal: abort.signal,
    });
    if (!response.ok || !response.body) {
      throw new Error(`HTTP ${response.status}`);
    }
    attempt = 0;
    options.onState('live');
    await read(response);
    throw new Error('the event stream ended');
  };

  const connect = async () => {
    if (stopped) {
      return;
    }
    const headers = options.headers();
    if (!headers) {
      options.onState('stopped', 'signed out');
      return;
    }
    options.onState(attempt === 0 ? 'connecting' : 'reconnecting');
    try {
      await open(headers);
    } catch (error) {
      if (stopped) {
        return;
      }
      const delay = nextDelay(attempt, min, max);
      attempt += 1;
      options.onState(
        'reconnecting',
        `${(error as Error).message}; retrying in ${Math.round(delay / 1000)} s`,
      );
      timer = setTimeout(() => void connect(), delay);
    }
  };

  void connect();
  return {
    stop() {
      stopped = true;
      clearTimeout(timer);
      abort?.abort();
      options.onState('stopped');
    },
  };
}
