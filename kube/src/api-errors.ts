/**
 * What went wrong with a call to a Kubernetes API server, in words a person reads: client-node's
 * ApiException carries the whole HTTP exchange (escaped body, headers) in its message, which is
 * useless in a log line and noisy on a terminal.
 */
import { STATUS_CODES } from 'node:http';
import { ApiException } from '@kubernetes/client-node';

interface ApiStatus {
  message?: string;
  reason?: string;
}

function statusOf(error: ApiException<unknown>): ApiStatus | undefined {
  try {
    const body = typeof error.body === 'string' ? JSON.parse(error.body) : error.body;
    return typeof body === 'object' && body !== null ? (body as ApiStatus) : undefined;
  } catch {
    return undefined;
  }
}

/** The API server's own words for a refused request ("Site ... is invalid: spec.x: ..."). */
export function apiErrorMessage(error: unknown): string {
  if (error instanceof ApiException) {
    return statusOf(error)?.message ?? `HTTP ${error.code}: ${String(error.body).slice(0, 500)}`;
  }
  return error instanceof Error ? error.message : String(error);
}

export function apiStatusCode(error: unknown): number | undefined {
  return error instanceof ApiException ? error.code : undefined;
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
  if (error instanceof ApiException) {
    const code = error.code as number;
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
