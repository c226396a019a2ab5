/**
 * Copies a response body to a file no faster than a rate, stopping early when asked or when it
 * stalls. The rate is held over the whole copy (never ahead of bytes-per-ms since it began).
 */
import { once } from 'node:events';
import type { WriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { setTimeout as delay } from 'node:timers/promises';

export interface PacedCopy {
  body: ReadableStream<Uint8Array>;
  out: WriteStream;
  bytesPerSecond: number;
  /** Checked after every chunk: true stops the copy (what was written stays). */
  shouldStop: () => boolean;
  /** Aborts the transfer; called on a stall or a stop. */
  abort: () => void;
  stallMs: number;
}

/** Resolves with the bytes written; rejects only on an error that was not our own abort. */
export async function pacedCopy(c: PacedCopy): Promise<number> {
  const bytesPerMs = c.bytesPerSecond / 1000;
  const started = performance.now();
  let written = 0;
  let stall = setTimeout(c.abort, c.stallMs);
  let aborted = false;
  const abort = () => {
    aborted = true;
    c.abort();
  };
  try {
    for await (const chunk of Readable.fromWeb(c.body as never) as AsyncIterable<Buffer>) {
      clearTimeout(stall);
      stall = setTimeout(abort, c.stallMs);
      if (!c.out.write(chunk)) {
        await once(c.out, 'drain');
      }
      written += chunk.length;
      const ahead = written / bytesPerMs - (performance.now() - started);
      if (ahead > 0) {
        await delay(ahead); // pacing to the cap, not waiting for readiness
      }
      if (c.shouldStop()) {
        abort();
        break;
      }
    }
  } catch (error) {
    if (!aborted) {
      throw error;
    }
  } finally {
    clearTimeout(stall);
    await new Promise<void>((resolve) => c.out.end(() => resolve()));
  }
  return written;
}
