/**
 * One line for a log or a terminal from any error, without loading the Kubernetes client: the
 * logger (and so every process that logs, the device plugin among them) depends on this alone.
 * client-node's ApiException is recognised by its shape (a numeric HTTP `code`, a `body` and
 * `headers`), never by its class.
 */
import { STATUS_CODES } from 'node:http';

interface ApiStatus {
  message?: string;
  reason?: string;
}

interface ApiExceptionShape extends Error {
  code: number;
  body: unknown;
  headers: unknown;
}

const isApiException = (error: unknown): error is ApiExceptionShape =>
  error instanceof Error &&
  typeof (error as Partial<ApiExceptionShape>).code === 'number' &&
  'body' in error &&
  'headers' in error;

/** The Status object an API server answered with, if its body is one. */
export function statusOf(error: { body: unknown }): ApiStatus | undefined {
  try {
    const body = typeof error.body === 'string' ? JSON.parse(error.body) : error.body;
    return typeof body === 'object' && body !== null ? (body as ApiStatus) : undefined;
  } catch {
    return undefined;
  }
}

const MAX_DESCRIPTION = 500;
const oneLine = (text: string) => {
  const flat = text.replace(/\s*\n\s*/g, ' ').trim();
  return flat.length > MAX_DESCRIPTION ? `${flat.slice(0, MAX_DESCRIPTION)}...` : flat;
};

/**
 * One line for a log or a terminal: `409 Conflict: Operation cannot be fulfilled on sites...`
 * for a refused call, `fetch failed (connect ECONNREFUSED 127.0.0.1:16443)` for an unreachable
 * server, the message otherwise. Never the request's headers or body.
 */
export function describeError(error: unknown): string {
  if (isApiException(error)) {
    const code = error.code;
    const status = statusOf(error);
    const words = `${code} ${STATUS_CODES[code] ?? status?.reason ?? 'error'}`;
    return oneLine(status?.message ? `${words}: ${status.message}` : words);
  }
  if (error instanceof Error) {
    const cause = error.cause instanceof Error ? ` (${error.cause.message})` : '';
    return oneLine(`${error.message}${cause}`);
  }
  return oneLine(String(error));
}
