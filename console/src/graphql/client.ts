/**
 * Sends one GraphQL operation for the signed-in caller: staff with their bearer token and the
 * document, partners with their API key and the document's persisted-operation hash only (the
 * API's allow-list refuses partners' free-form documents). Failures become react-admin's
 * HttpError with the HTTP status (401 signs the user out, 403 shows "not allowed") and the
 * API's own message.
 */
import type { Session } from '../auth/session.ts';
import { PARTNER_OPERATIONS, type PartnerOperationName } from './partner-operations.ts';
import { STAFF_OPERATIONS, type StaffOperationName } from './staff-operations.ts';

export type OperationName = StaffOperationName | PartnerOperationName;

/** What react-admin expects a failed data-provider call to throw (ra-core's HttpError shape). */
export class ApiError extends Error {
  override name = 'HttpError';
  readonly status: number;
  readonly body: unknown;
  constructor(message: string, status: number, body: unknown = undefined) {
    super(message);
    this.status = status;
    this.body = body;
  }
}

const REQUEST_TIMEOUT_MS = 20_000;
const STATUS_OF_CODE: Record<string, number> = {
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  BAD_USER_INPUT: 400,
  QUERY_TOO_COMPLEX: 400,
  RATE_LIMITED: 429,
};

export async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

const hashes = new Map<string, Promise<string>>();
const hashOf = (document: string) => {
  let hash = hashes.get(document);
  if (!hash) {
    hash = sha256Hex(document);
    hashes.set(document, hash);
  }
  return hash;
};

/** The document for this caller, or a refusal naming what a partner's console may not send. */
export function documentFor(session: Session, name: OperationName): string {
  if (session.kind === 'partner') {
    const document = (PARTNER_OPERATIONS as Record<string, string>)[name];
    if (!document) {
      throw new ApiError(`${name} is not available with a partner API key`, 403);
    }
    return document;
  }
  // Staff may send the partner documents too (the shared views: summary, map, telemetry).
  const document =
    (STAFF_OPERATIONS as Record<string, string>)[name] ??
    (PARTNER_OPERATIONS as Record<string, string>)[name];
  if (!document) {
    throw new ApiError(`no GraphQL operation is named ${name}`, 400);
  }
  return document;
}

export function authHeaders(session: Session): Record<string, string> {
  return session.kind === 'partner'
    ? { 'x-api-key': session.apiKey }
    : { authorization: `Bearer ${session.token}` };
}

/** The request body: the document for staff, only its hash for partners. */
export async function requestBody(
  session: Session,
  name: OperationName,
  variables: Record<string, unknown>,
): Promise<string> {
  const document = documentFor(session, name);
  if (session.kind === 'partner') {
    const sha256Hash = await hashOf(document);
    return JSON.stringify({
      operationName: name,
      variables,
      extensions: { persistedQuery: { version: 1, sha256Hash } },
    });
  }
  return JSON.stringify({ operationName: name, query: document, variables });
}

interface GraphqlResponse {
  data?: Record<string, unknown> | null;
  errors?: { message: string; extensions?: { code?: string } }[];
}

export type Transport = (url: string, init: RequestInit) => Promise<Response>;

export interface GraphqlClient {
  run<T = Record<string, unknown>>(name: OperationName, variables?: Record<string, unknown>): Promise<T>;
}

export function graphqlClient(options: {
  apiUrl: string;
  session: () => Session | undefined;
  transport?: Transport;
}): GraphqlClient {
  const transport = options.transport ?? ((url, init) => fetch(url, init));
  return {
    async run<T>(name: OperationName, variables: Record<string, unknown> = {}): Promise<T> {
      const session = options.session();
      if (!session) {
        throw new ApiError('not signed in', 401);
      }
      const response = await transport(options.apiUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json', ...authHeaders(session) },
        body: await requestBody(session, name, variables),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      }).catch((error: unknown) => {
        throw new ApiError(`the API cannot be reached (${(error as Error).message})`, 503);
      });
      const body = (await response.json().catch(() => ({}))) as GraphqlResponse;
      const first = body.errors?.[0];
      if (!response.ok || !body.data || first) {
        const code = first?.extensions?.code ?? '';
        const status = response.ok ? (STATUS_OF_CODE[code] ?? 500) : response.status;
        throw new ApiError(first?.message ?? `the API answered HTTP ${response.status}`, status, body);
      }
      return body.data as T;
    },
  };
}
