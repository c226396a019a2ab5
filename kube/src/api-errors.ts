/**
 * What went wrong with a call to a Kubernetes API server, in words a person reads: client-node's
 * ApiException carries the whole HTTP exchange (escaped body, headers) in its message, which is
 * useless in a log line and noisy on a terminal.
 */
import { ApiException } from '@kubernetes/client-node';
import { statusOf } from './describe-error.ts';

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

export { describeError } from './describe-error.ts';
