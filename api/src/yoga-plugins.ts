/**
 * Request-level guards, as graphql-yoga plugins: limits per source address, then
 * authentication and per-caller rate limits, before any GraphQL work; a request body limit;
 * introspection refused to partners; an allow-list of persisted operations partners are held to.
 */

import type { IncomingMessage } from 'node:http';
import type { BlockList } from 'node:net';
import { usePersistedOperations } from '@graphql-yoga/plugin-persisted-operations';
import { type DocumentNode, GraphQLError, Kind, visit } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { AddressLimiter } from './auth/address-limits.ts';
import { type Authenticators, apiKeyOf, authenticate } from './auth/authenticate.ts';
import { addressKey, clientAddress } from './auth/client-address.ts';
import { AuthError, type Principal } from './auth/principal.ts';
import type { RateLimiter } from './auth/rate-limit.ts';

/** The code in each refusal's body says what its HTTP status says, so clients may branch on either. */
const CODES = {
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  411: 'LENGTH_REQUIRED',
  413: 'REQUEST_ENTITY_TOO_LARGE',
  429: 'RATE_LIMITED',
  503: 'SERVICE_UNAVAILABLE',
} as const;

const json = (status: keyof typeof CODES, message: string, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify({ errors: [{ message, extensions: { code: CODES[status] } }] }), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  });

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
  limits: { staff: RateLimiter; partner: RateLimiter; address: AddressLimiter };
  /** Proxies whose X-Forwarded-For is believed; none unless configured. */
  trustedProxies?: BlockList;
  graphqlPath: string;
  /** Where the request's principal is kept for the context factory. */
  principals: WeakMap<Request, Principal>;
}

const tooMany = (message: string, retryAfterSeconds: number) =>
  json(429, message, { 'retry-after': String(retryAfterSeconds) });

/** The caller, or the response that refuses the request (401/403/503, or 429 over its rate). */
async function admit(
  request: Request,
  options: GuardOptions,
  address: string,
): Promise<Principal | Response> {
  let principal: Principal;
  try {
    principal = await authenticate(request.headers, options.auth);
  } catch (error) {
    if (!(error instanceof AuthError)) {
      throw error;
    }
    if (error.status === 401) {
      options.limits.address.failed(address);
    }
    return json(error.status, error.message, error.status === 401 ? { 'www-authenticate': 'Bearer' } : {});
  }
  const limiter = principal.kind === 'staff' ? options.limits.staff : options.limits.partner;
  const verdict = limiter.take(`${principal.kind}:${principal.id}`);
  if (!verdict.ok) {
    return tooMany(`rate limit exceeded; retry in ${verdict.retryAfterSeconds} s`, verdict.retryAfterSeconds);
  }
  return principal;
}

/** The connection's peer address, where the server adapter gives one (node:http does). */
function peerOf(serverContext: unknown): string | undefined {
  return (serverContext as { req?: IncomingMessage } | undefined)?.req?.socket?.remoteAddress;
}

/**
 * Every request is first counted against its source address (so even the GraphiQL page and
 * probes cannot be flooded), then, if it carries GraphQL, authenticated and counted against
 * its caller. An address refused for its failures is not even looked up.
 */
export function useAuthentication(options: GuardOptions): Plugin {
  return {
    async onRequest({ request, serverContext, endResponse }) {
      const address = addressKey(
        clientAddress(peerOf(serverContext), request.headers.get('x-forwarded-for'), options.trustedProxies),
      );
      const allowed = options.limits.address.admit(address);
      if (!allowed.ok) {
        endResponse(tooMany(allowed.message, allowed.retryAfterSeconds));
        return;
      }
      if (isOpen(request, options.graphqlPath)) {
        return;
      }
      const admitted = await admit(request, options, address);
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
