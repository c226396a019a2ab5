/**
 * Staff sign-in: OIDC authorization code with PKCE (RFC 7636), as a public client (no secret in
 * the browser). The same code talks to the local development issuer in `npm start` and to the
 * organisation's provider in the stacks: it reads the provider's endpoints from its discovery
 * document. The verifier and state live in sessionStorage only between the redirect out and
 * the redirect back, and are used once.
 */
import type { SessionStore } from './session.ts';

const PENDING_KEY = 'smart-fleet.oidc-pending';
const MAX_PARAM_LENGTH = 2048;

export interface OidcEndpoints {
  authorization: string;
  token: string;
}

export class SignInError extends Error {
  override name = 'SignInError';
}

const base64url = (bytes: Uint8Array) =>
  btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');

export function randomToken(bytes = 32): string {
  return base64url(crypto.getRandomValues(new Uint8Array(bytes)));
}

export async function pkceChallenge(verifier: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  return base64url(new Uint8Array(digest));
}

export async function discoverEndpoints(issuer: string): Promise<OidcEndpoints> {
  const url = `${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
  const response = await fetch(url, { signal: AbortSignal.timeout(10_000) }).catch((error: unknown) => {
    throw new SignInError(
      `the sign-in provider at ${issuer} cannot be reached (${(error as Error).message})`,
    );
  });
  if (!response.ok) {
    throw new SignInError(`the sign-in provider's discovery document answered HTTP ${response.status}`);
  }
  const document = (await response.json()) as Record<string, unknown>;
  const { authorization_endpoint: authorization, token_endpoint: token } = document;
  if (typeof authorization !== 'string' || typeof token !== 'string') {
    throw new SignInError('the sign-in provider names no authorization or token endpoint');
  }
  return { authorization, token };
}

/** The URL to send the browser to, after remembering the verifier and state for the way back. */
export async function authorizationUrl(options: {
  endpoints: OidcEndpoints;
  clientId: string;
  redirectUri: string;
  storage: SessionStore;
}): Promise<string> {
  const verifier = randomToken(48);
  const state = randomToken(16);
  options.storage.setItem(PENDING_KEY, JSON.stringify({ verifier, state, redirectUri: options.redirectUri }));
  const url = new URL(options.endpoints.authorization);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: options.clientId,
    redirect_uri: options.redirectUri,
    scope: 'openid profile email',
    state,
    code_challenge: await pkceChallenge(verifier),
    code_challenge_method: 'S256',
  }).toString();
  return url.toString();
}

/** Whether this page load is the provider's redirect back (it carries `code` or `error`). */
export function isCallback(search: string): boolean {
  const params = new URLSearchParams(search);
  return params.has('state') && (params.has('code') || params.has('error'));
}

/** Trades the code in `search` for an access token; refuses a state this tab did not send. */
export async function completeSignIn(options: {
  search: string;
  endpoints: OidcEndpoints;
  clientId: string;
  storage: SessionStore;
}): Promise<string> {
  const params = new URLSearchParams(options.search);
  const raw = options.storage.getItem(PENDING_KEY);
  options.storage.removeItem(PENDING_KEY); // one try per sign-in, whatever happens
  const pending = raw
    ? (JSON.parse(raw) as { verifier: string; state: string; redirectUri: string })
    : undefined;
  if (params.has('error')) {
    throw new SignInError(`the sign-in provider refused: ${(params.get('error') ?? '').slice(0, 200)}`);
  }
  const code = params.get('code') ?? '';
  if (!pending || params.get('state') !== pending.state || code.length > MAX_PARAM_LENGTH) {
    throw new SignInError('this sign-in answer does not belong to a sign-in started here; sign in again');
  }
  const response = await fetch(options.endpoints.token, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: pending.redirectUri,
      client_id: options.clientId,
      code_verifier: pending.verifier,
    }).toString(),
    signal: AbortSignal.timeout(10_000),
  });
  const body = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  if (!response.ok || typeof body.access_token !== 'string') {
    const reason =
      typeof body.error_description === 'string' ? body.error_description : `HTTP ${response.status}`;
    throw new SignInError(`the sign-in provider did not issue a token: ${reason.slice(0, 200)}`);
  }
  return body.access_token;
}
