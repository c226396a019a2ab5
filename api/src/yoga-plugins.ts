/**
 * Request-level guards, as graphql-yoga plugins: authentication and per-caller rate limits
 * before any GraphQL work; introspection refused to partners; an optional allow-list of
 * persisted operations that partners are held to.
 */
import { usePersistedOperations } from '@graphql-yoga/plugin-persisted-operations';
import { type DocumentNode, GraphQLError, Kind, visit } from 'graphql';
import { maskError, type Plugin } from 'graphql-yoga';
import { type Authenticators, apiKeyOf, authenticate } from './auth/authenticate.ts';
import { AuthError, type Principal } from './auth/principal.ts';
import type { RateLimiter } from './auth/rate-limit.ts';

const CODES: Record<number, string> = {
  411: 'LENGTH_REQUIRED',
  413: 'REQUEST_ENTITY_TOO_LARGE',
  429: 'RATE_LIMITED',
};

const json = (status: number, message: string, headers: Record<string, string> = {}) =>
  new Response(
    JSON.stringify({
      errors: [{ message, extensions: { code: CODES[status] ?? 'UNAUTHENTICATED' } }],
    }),
    {
      status,
      headers: { 'content-type': 'application/json', ...headers },
    },
  );

/** Requests that carry no GraphQL: the GraphiQL page, health and readiness. */
function isOpen(request: Request, graphqlPath: string): boolean {
  const url = new URL(request.url);
  if (url.pathname !== graphqlPath) {
    return true;
  }
  const wantsPage = request.method === 'GET' && (request.headers.get('accept') ?? '').includes('text/html');
  return wantsPage && !url.searchParams.has('query');
}

export interface GuardOptions {
  auth: Authenticators;
  limits: { staff: RateLimiter; partner: RateLimiter };
  graphqlPath: string;
  /** Where the request's principal is kept for the context factory. */
  principals: WeakMap<Request, Principal>;
}

/** The caller, or the response that refuses the request (401/403, or 429 over its rate). */
async function admit(request: Request, options: GuardOptions): Promise<Principal | Response> {
  let principal: Principal;
  try {
    principal = await authenticate(request.headers, options.auth);
  } catch (error) {
    if (!(error instanceof AuthError)) {
      throw error;
    }
    return json(error.status, error.message, error.status === 401 ? { 'www-authenticate': 'Bearer' } : {});
  }
  const limiter = principal.kind === 'staff' ? options.limits.staff : options.limits.partner;
  const verdict = limiter.take(`${principal.kind}:${principal.id}`);
  if (!verdict.ok) {
    return json(429, `rate limit exceeded; retry in ${verdict.retryAfterSeconds} s`, {
      'retry-after': String(verdict.retryAfterSeconds),
    });
  }
  return principal;
}

export function useAuthentication(options: GuardOptions): Plugin {
  return {
    async onRequest({ request, endResponse }) {
      if (isOpen(request, options.graphqlPath)) {
        return;
      }
      const admitted = await admit(request, options);
      if (admitted instanceof Response) {
        endResponse(admitted);
      } else {
        options.principals.set(request, admitted);
      }
    },
  };
}

/** The largest request body the API reads: a GraphQL document with its variables, never a file. */
export const MAX_REQUEST_BODY_BYTES = 1_000_000;

/**
 * Refuses a request body over `maxBytes` before any of it is read, from its Content-Length
 * (node:http frames the body by that header, so a client cannot send more than it declares);
 * a body without one (chunked) is refused with 411. yoga's own limit does the same by piping
 * every body through a WHATWG TransformStream, whose set-up and teardown (an AbortSignal and a
 * DOMException with a stack trace per request) cost a sixth of a small query's CPU; it is
 * turned off where this plugin is used (yoga-app.ts).
 */
export function useRequestBodyLimit(maxBytes: number): Plugin {
  return {
    onRequest({ request, endResponse }) {
      if (request.method === 'GET' || request.method === 'HEAD') {
        return;
      }
      const declared = request.headers.get('content-length');
      if (declared === null) {
        if (request.headers.has('transfer-encoding')) {
          endResponse(json(411, 'a request body needs a Content-Length header'));
        }
        return;
      }
      if (!/^\d+$/.test(declared)) {
        endResponse(json(411, 'the Content-Length header is not a byte count'));
      } else if (Number(declared) > maxBytes) {
        endResponse(json(413, `request body too large: at most ${maxBytes} bytes`));
      }
    },
  };
}

function asksForIntrospection(document: DocumentNode): boolean {
  let found = false;
  visit(document, {
    [Kind.FIELD]: (node) => {
      if (node.name.value === '__schema' || node.name.value === '__type') {
        found = true;
      }
    },
  });
  return found;
}

/** Partners get no introspection: the schema is documented for them, not discoverable. */
export function useNoPartnerIntrospection(): Plugin<{ principal?: Principal }> {
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const principal = (args.contextValue as { principal?: Principal }).principal;
      if (principal?.kind === 'partner' && asksForIntrospection(args.document)) {
        setResultAndStopExecution({
          errors: [
            new GraphQLError('introspection is not available with an API key', {
              extensions: { code: 'FORBIDDEN' },
            }),
          ],
        });
      }
    },
  };
}

/**
 * With an allow-list, a partner may run only the persisted operations in it (sent by id,
 * `extensions.persistedQuery.sha256Hash`); staff may still send any document.
 */
export function usePartnerAllowList(operations: Readonly<Record<string, string>>): Plugin {
  const allowList = usePersistedOperations({
    getPersistedOperation: (key) => operations[key] ?? null,
    allowArbitraryOperations: (request) => apiKeyOf(request.headers) === undefined,
  }) as Plugin;
  return {
    ...allowList,
    // A staff request that names no persisted operation is an ordinary GraphQL request: left to
    // yoga, a missing query is its usual 400, not the allow-list's "persisted query not found".
    onParams(payload) {
      const named = (payload.params.extensions as { persistedQuery?: unknown } | undefined)?.persistedQuery;
      if (apiKeyOf(payload.request.headers) === undefined && !named) {
        return;
      }
      return allowList.onParams?.(payload);
    },
  };
}

/**
 * graphql-jit reports a request's own mistakes (a variable of the wrong type) as GraphQLErrors
 * built on graphql's CommonJS copy, which are not instances of the ESM GraphQLError yoga checks
 * for, so they would be masked as internal. An engine error that wraps no thrown error is the
 * client's and is passed on as one; anything wrapping a thrown error stays masked.
 */
function asClientError(error: unknown): unknown {
  const foreignGraphQLError =
    error instanceof Error &&
    !(error instanceof GraphQLError) &&
    Object.prototype.toString.call(error) === '[object GraphQLError]';
  if (foreignGraphQLError && !(error as { originalError?: unknown }).originalError) {
    const { extensions } = error as { extensions?: Record<string, unknown> };
    return new GraphQLError(error.message, { extensions });
  }
  return error;
}

/**
 * yoga's error masking, and one thing more: a POST body that is not JSON is answered with the
 * JSON parser's own error in `extensions.originalError` even outside development, and that
 * message quotes the body back and names the engine; "POST body sent invalid JSON." says enough.
 * yoga reads that non-GraphQL `originalError` as "answer 400 even to application/json", so the
 * same is said directly: `http.spec` (which lets application/json answers be 200) goes with it.
 */
export function maskErrors(error: unknown, message: string, isDev?: boolean): Error {
  const masked = maskError(asClientError(error), message, isDev);
  const extensions = ((masked instanceof GraphQLError ? masked.extensions : undefined) ?? {}) as Record<
    string,
    unknown
  >;
  if (!isDev && extensions.originalError !== undefined) {
    delete extensions.originalError;
    const http = extensions.http as { spec?: boolean } | undefined;
    delete http?.spec;
  }
  return masked;
}
