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

const json = (status: number, message: string, headers: Record<string, string> = {}) =>
  new Response(
    JSON.stringify({
      errors: [{ message, extensions: { code: status === 429 ? 'RATE_LIMITED' : 'UNAUTHENTICATED' } }],
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
