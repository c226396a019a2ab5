/**
 * A mutation's typed refusal (the API's ValidationError, NotFoundError or ConflictError, as
 * data) turned into what react-admin shows: field errors beside the form inputs they concern
 * (`body.errors`, the shape ra-core's setSubmissionErrors reads) and a summary for the
 * notification (`root.serverError`), so an issue about a field the form lacks is still seen.
 */
import { ApiError } from '../graphql/client.ts';

export interface MutationResult {
  __typename: string;
  message?: string;
  issues?: { field: string; message: string }[];
  kind?: string;
  target?: string;
  data?: unknown;
}

/** API field paths -> form field names: metadata is edited as top-level `name`/`namespace`. */
export function formFieldOf(path: string): string {
  const dotted = path.replace(/\[(\d+)\]/g, '.$1');
  return dotted.startsWith('metadata.') ? dotted.slice('metadata.'.length) : dotted;
}

/** The object at `parts` under `root`, made on the way where missing. */
function branch(root: Record<string, unknown>, parts: readonly string[]): Record<string, unknown> {
  let node = root;
  for (const part of parts) {
    const next = node[part];
    node[part] = typeof next === 'object' && next !== null ? next : {};
    node = node[part] as Record<string, unknown>;
  }
  return node;
}

/** Nested `{ spec: { waves: { 0: { percent: msg } } } }`, the shape react-admin's forms read. */
export function fieldErrors(issues: readonly { field: string; message: string }[]): Record<string, unknown> {
  const errors: Record<string, unknown> = {};
  for (const issue of issues.slice(0, 100)) {
    const parts = formFieldOf(issue.field).split('.');
    const node = branch(errors, parts.slice(0, -1));
    const leaf = parts.at(-1) ?? 'root';
    const before = node[leaf];
    if (before === undefined) {
      node[leaf] = issue.message;
    } else if (typeof before === 'string') {
      node[leaf] = `${before}; ${issue.message}`;
    }
  }
  return errors;
}

/** The success payload's data, or the refusal as an ApiError react-admin shows. */
export function unwrapMutation<T>(result: MutationResult | undefined, what: string): T {
  if (!result) {
    throw new ApiError(`${what}: the API gave no answer`, 500);
  }
  if (result.__typename.endsWith('Success')) {
    return result.data as T;
  }
  const message = result.message ?? `${what} was refused`;
  if (result.__typename === 'ValidationError') {
    const issues = result.issues ?? [];
    const summary = issues.map((i) => `${i.field}: ${i.message}`).join('; ') || message;
    throw new ApiError(summary, 400, { errors: { ...fieldErrors(issues), root: { serverError: summary } } });
  }
  const status = result.__typename === 'NotFoundError' ? 404 : 409;
  throw new ApiError(message, status, { errors: { root: { serverError: message } } });
}
