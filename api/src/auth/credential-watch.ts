/**
 * A subscription outlives the request that authenticated it: an SSE stream stays open for
 * hours. So each stream watches its credential and ends once that stops being good: a partner
 * key revoked (on any replica: the key store hears of it through its watch) or a staff token
 * past its expiry. The stream's last event says why, then it completes, which releases its
 * feed subscription on the server.
 */
import { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Principal } from './principal.ts';

export interface RevocationSource {
  /** Calls `listener` once key `id` is revoked or gone; returns what stops listening. */
  onRevoked(id: string, listener: () => void): () => void;
}

/** setTimeout's longest delay (about 24.8 days); a later expiry re-arms the timer. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export interface CredentialWatch {
  signal: AbortSignal;
  /** Stops watching (the stream ended on its own). */
  stop(): void;
}

function untilExpiry(expiresAt: number, expire: () => void, now: () => number): () => void {
  let timer: NodeJS.Timeout | undefined;
  const arm = () => {
    const left = expiresAt - now();
    if (left <= 0) {
      expire();
      return;
    }
    timer = setTimeout(arm, Math.min(left, MAX_TIMER_MS));
    timer.unref();
  };
  arm();
  return () => clearTimeout(timer);
}

/** A signal that aborts, with the reason to tell the caller, once `principal`'s credential is no good. */
export function watchCredential(
  principal: Principal,
  keys: RevocationSource,
  now: () => number = Date.now,
): CredentialWatch {
  const controller = new AbortController();
  const end = (message: string) => () =>
    controller.abort(new GraphQLError(message, { extensions: { code: 'UNAUTHENTICATED' } }));
  let stop: () => void = () => {};
  if (principal.kind === 'partner') {
    stop = keys.onRevoked(principal.id, end('API key revoked'));
  } else if (principal.expiresAt !== undefined) {
    stop = untilExpiry(principal.expiresAt, end('bearer token expired'), now);
  }
  return { signal: controller.signal, stop };
}

/**
 * Passes `source` on until `signal` aborts, then yields one last result carrying the abort's
 * reason and completes, returning `source` so its producer lets go.
 */
export async function* untilAborted<T>(
  source: AsyncIterable<T>,
  signal: AbortSignal,
  last: (reason: unknown) => T,
): AsyncGenerator<T> {
  const iterator = source[Symbol.asyncIterator]();
  const aborted = new Promise<{ aborted: true }>((resolve) => {
    if (signal.aborted) {
      resolve({ aborted: true });
    }
    signal.addEventListener('abort', () => resolve({ aborted: true }), { once: true });
  });
  try {
    for (;;) {
      const next = signal.aborted ? { aborted: true } : await Promise.race([iterator.next(), aborted]);
      if ('aborted' in next) {
        yield last(signal.reason);
        return;
      }
      if (next.done) {
        return;
      }
      yield next.value;
    }
  } finally {
    // Not awaited: a producer that is slow to let go must not hold the stream open.
    void iterator.return?.()?.catch(() => undefined);
  }
}

/** Ends every subscription stream whose caller's credential stops being good. */
export function useCredentialWatch(keys: RevocationSource): Plugin {
  return {
    onSubscribe({ args }) {
      const principal = (args.contextValue as { principal?: Principal }).principal;
      if (!principal) {
        return undefined;
      }
      return {
        onSubscribeResult({ result, setResult }) {
          if (!(Symbol.asyncIterator in (result as object))) {
            return; // refused before it began: nothing is held open
          }
          const watch = watchCredential(principal, keys);
          const stream = untilAborted(result as AsyncIterable<unknown>, watch.signal, (reason) => ({
            errors: [
              reason instanceof GraphQLError ? reason : new GraphQLError('credential no longer valid'),
            ],
          }));
          setResult(
            (async function* () {
              try {
                yield* stream;
              } finally {
                watch.stop();
              }
            })() as never,
          );
        },
      };
    },
  };
}
