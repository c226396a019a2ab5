/**
 * A deadline on every call to an API server. A server (or a proxy, or a half-open connection)
 * that accepts a request and never answers would otherwise hold the caller for undici's
 * five-minute defaults: a controller's worker stuck, a leader's renew outliving its deadline.
 * Each request gets an AbortSignal that ends it, reading the body included, and rejects it
 * with a RequestTimeoutError naming the call. Watches are exempt: they are meant to stay open
 * and have their own idle deadline (informers.ts).
 */
import { type ConfigurationOptions, Observable, type RequestContext } from '@kubernetes/client-node';

/** What `connect` gives every call unless told otherwise. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;
/** Bounds for a configured timeout: below 50 ms nothing answers; above 10 minutes nothing is bounded. */
const MIN_TIMEOUT_MS = 50;
const MAX_TIMEOUT_MS = 600_000;

/** A call the API server did not answer in time. The request may or may not have taken effect. */
export class RequestTimeoutError extends Error {
  override readonly name = 'RequestTimeoutError';
  readonly method: string;
  readonly path: string;
  readonly timeoutMs: number;

  constructor(method: string, path: string, timeoutMs: number) {
    super(`${method} ${path}: no answer from the API server within ${timeoutMs} ms`);
    this.method = method;
    this.path = path;
    this.timeoutMs = timeoutMs;
  }
}

/** A timeout from configuration, checked: a refusal names the setting and the accepted range. */
export function checkedTimeoutMs(value: number, setting: string): number {
  if (!Number.isFinite(value) || value < MIN_TIMEOUT_MS || value > MAX_TIMEOUT_MS) {
    throw new RangeError(
      `${setting} must be between ${MIN_TIMEOUT_MS} and ${MAX_TIMEOUT_MS} ms, not ${value}`,
    );
  }
  return value;
}

/** A watch request: long-lived by design, never cut by a request timeout. */
export function isWatch(context: RequestContext): boolean {
  return new URL(context.getUrl()).searchParams.get('watch') === 'true';
}

/** Signals besides the timeout that also end a request (a leader's term: leader-fence.ts). */
const alsoEndedBy = new WeakMap<RequestContext, AbortSignal>();

function timeoutSignal(context: RequestContext, timeoutMs: number): AbortSignal {
  const controller = new AbortController();
  const path = new URL(context.getUrl()).pathname;
  const method = String(context.getHttpMethod());
  // Unref'd, so it never keeps a process alive; firing after the answer is harmless (aborting a
  // finished fetch does nothing).
  setTimeout(() => controller.abort(new RequestTimeoutError(method, path, timeoutMs)), timeoutMs).unref();
  return controller.signal;
}

/**
 * Ends `context`'s request after `timeoutMs` with a RequestTimeoutError, or earlier when `also`
 * aborts (with its reason).
 */
export function bound(context: RequestContext, timeoutMs: number, also?: AbortSignal): void {
  const timeout = timeoutSignal(context, timeoutMs);
  if (also) {
    alsoEndedBy.set(context, also);
  }
  context.setSignal(also ? AbortSignal.any([timeout, also]) : timeout);
}

/**
 * Per-call options for a generated API (`api.readNamespacedLease(params, withTimeout(2000))`)
 * that give this one call its own deadline instead of the connection's: shorter where a caller
 * has a deadline of its own (a leader's renew), longer for a call that is big by design (an
 * informer's unpaged list). Whatever else ends the call (a leader's term) still does.
 */
export function withTimeout(timeoutMs: number): ConfigurationOptions {
  const ms = checkedTimeoutMs(timeoutMs, 'a call timeout');
  return {
    middleware: [
      {
        pre: (context: RequestContext) => {
          bound(context, ms, alsoEndedBy.get(context));
          return new Observable(Promise.resolve(context));
        },
        post: (response) => new Observable(Promise.resolve(response)),
      },
    ],
    middlewareMergeStrategy: 'append',
  };
}
