/**
 * DEVELOPMENT ONLY: the browser half of the local development issuer, so the console signs in
 * in `npm start` and the tests through the same OIDC authorization-code + PKCE flow it uses
 * against a real provider in the stacks. `/authorize` shows a page where a developer picks a
 * staff role (there are no passwords: anyone who can reach this loopback-only issuer may sign
 * in), and `/token` trades the one-time code for a token signed by the issuer's key. Codes are
 * single use, expire in a minute, are bound to the PKCE challenge and redirect URI, and only
 * loopback redirect URIs are accepted, so a code can never be sent off this machine.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { STAFF_ROLES, type StaffRole } from './principal.ts';

export interface DevSignInOptions {
  issuer: string;
  /** Signs a staff token for the chosen subject and role (the issuer's own signer). */
  sign(claims: { sub: string; roles: string[]; ttlSeconds?: number }): Promise<string>;
  ttlSeconds?: number;
}

interface PendingCode {
  sub: string;
  role: StaffRole;
  challenge: string;
  redirectUri: string;
  clientId: string;
  expiresAt: number;
}

const CODE_TTL_MS = 60_000;
/** Outstanding codes at most; the oldest goes first (a developer signs in a few times a day). */
const MAX_PENDING_CODES = 64;
const MAX_BODY_BYTES = 16_384;
const MAX_FIELD_LENGTH = 512;
const SUBJECT = /^[a-z0-9][a-z0-9._-]{0,62}$/;
const DEFAULT_TTL_SECONDS = 8 * 3600;

/** A redirect URI this issuer will send a code to: http(s) on a loopback address, nothing else. */
export function isLoopbackRedirect(uri: string): boolean {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return false;
  }
  const loopback = /^127(\.\d{1,3}){3}$/.test(url.hostname) || ['localhost', '[::1]'].includes(url.hostname);
  return (url.protocol === 'http:' || url.protocol === 'https:') && loopback && url.username === '';
}

const base64url = (bytes: Buffer) => bytes.toString('base64url');
export const pkceChallenge = (verifier: string) => base64url(createHash('sha256').update(verifier).digest());

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function readBody(request: IncomingMessage): Promise<URLSearchParams> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new Error('request body too large'));
        request.destroy();
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(new URLSearchParams(Buffer.concat(chunks).toString('utf8'))));
    request.on('error', reject);
  });
}

/** The authorization request's parameters, or what is wrong with them. */
function authorizationRequest(params: URLSearchParams): Omit<PendingCode, 'sub' | 'role' | 'expiresAt'> & {
  state: string;
} {
  const get = (name: string) => {
    const value = params.get(name) ?? '';
    if (value.length > MAX_FIELD_LENGTH) {
      throw new Error(`${name} is longer than ${MAX_FIELD_LENGTH} characters`);
    }
    return value;
  };
  if (get('response_type') !== 'code') {
    throw new Error('response_type must be code');
  }
  if (get('code_challenge_method') !== 'S256' || !/^[A-Za-z0-9_-]{43}$/.test(get('code_challenge'))) {
    throw new Error('a PKCE code_challenge with code_challenge_method S256 is required');
  }
  const redirectUri = get('redirect_uri');
  if (!isLoopbackRedirect(redirectUri)) {
    throw new Error('redirect_uri must be an http(s) URL on a loopback address');
  }
  const clientId = get('client_id');
  if (clientId === '') {
    throw new Error('client_id is required');
  }
  return { challenge: get('code_challenge'), redirectUri, clientId, state: get('state') };
}

function signInPage(params: URLSearchParams, issuer: string): string {
  const hidden = [...params.entries()]
    .filter(([name]) => name !== 'role' && name !== 'sub')
    .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
    .join('\n      ');
  const roles = STAFF_ROLES.map(
    (role, i) =>
      `<label><input type="radio" name="role" value="${role}"${i === 0 ? ' checked' : ''}> ${role}</label>`,
  ).join('\n        ');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Development sign-in · SMART Fleet</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem;color:#1a1a1a}
.warn{background:#fff4d6;border:1px solid #8a6100;padding:.75rem;border-radius:4px}
fieldset{border:1px solid #555;margin:1rem 0;padding:.75rem}label{display:block;margin:.4rem 0}
button{font-size:1rem;padding:.5rem 1.25rem;background:#0b57d0;color:#fff;border:0;border-radius:4px}
input[type=text]{font-size:1rem;padding:.3rem;width:100%;box-sizing:border-box}</style></head>
<body><main>
<h1>Development sign-in</h1>
<p class="warn"><strong>Development only.</strong> This is the local issuer of <code>npm start</code>
(${escapeHtml(issuer)}), reachable from this machine only. It signs a staff token for whichever role
you pick; a real deployment signs in with the organisation's identity provider.</p>
<form method="post" action="/authorize">
      ${hidden}
      <fieldset><legend>Role</legend>
        ${roles}
      </fieldset>
      <label for="sub">User name</label>
      <input type="text" id="sub" name="sub" value="developer" pattern="[a-z0-9][a-z0-9._\\-]{0,62}" required>
      <p><button type="submit">Sign in</button></p>
</form></main></body></html>\n`;
}

/** The sign-in routes: `handle` answers true for a request it served. */
export function devSignIn(options: DevSignInOptions) {
  const pending = new Map<string, PendingCode>();
  const ttlSeconds = options.ttlSeconds ?? DEFAULT_TTL_SECONDS;
  const discovery = {
    authorization_endpoint: `${options.issuer}/authorize`,
    token_endpoint: `${options.issuer}/token`,
    response_types_supported: ['code'],
    grant_types_supported: ['authorization_code'],
    code_challenge_methods_supported: ['S256'],
    token_endpoint_auth_methods_supported: ['none'],
  };

  const html = (response: ServerResponse, status: number, body: string) =>
    response
      .writeHead(status, {
        'content-type': 'text/html; charset=utf-8',
        'cache-control': 'no-store',
        'x-frame-options': 'DENY',
        'content-security-policy':
          "default-src 'none'; style-src 'unsafe-inline'; form-action 'self' http: https:",
      })
      .end(body);

  const issueCode = async (request: IncomingMessage, response: ServerResponse) => {
    const form = await readBody(request);
    const asked = authorizationRequest(form);
    const role = form.get('role') as StaffRole;
    const sub = form.get('sub') ?? '';
    if (!STAFF_ROLES.includes(role) || !SUBJECT.test(sub)) {
      throw new Error(
        `pick a role (${STAFF_ROLES.join(' or ')}) and a user name of lower-case letters and digits`,
      );
    }
    const code = base64url(randomBytes(32));
    if (pending.size >= MAX_PENDING_CODES) {
      pending.delete(pending.keys().next().value as string);
    }
    pending.set(code, { ...asked, sub, role, expiresAt: Date.now() + CODE_TTL_MS });
    const target = new URL(asked.redirectUri);
    target.searchParams.set('code', code);
    if (asked.state !== '') {
      target.searchParams.set('state', asked.state);
    }
    response.writeHead(303, { location: target.toString(), 'cache-control': 'no-store' }).end();
  };

  const token = async (
    request: IncomingMessage,
    response: ServerResponse,
    cors: Record<string, string>,
  ): Promise<void> => {
    const refuse = (error: string, description: string): void => {
      response
        .writeHead(400, { ...cors, 'content-type': 'application/json', 'cache-control': 'no-store' })
        .end(JSON.stringify({ error, error_description: description }));
    };
    const form = await readBody(request);
    const code = form.get('code') ?? '';
    const entry = pending.get(code);
    pending.delete(code); // single use, whatever happens next
    if (form.get('grant_type') !== 'authorization_code') {
      return refuse('unsupported_grant_type', 'grant_type must be authorization_code');
    }
    if (!entry || entry.expiresAt < Date.now()) {
      return refuse('invalid_grant', 'the code is unknown, used or expired');
    }
    const verifier = form.get('code_verifier') ?? '';
    if (
      form.get('redirect_uri') !== entry.redirectUri ||
      form.get('client_id') !== entry.clientId ||
      verifier.length > MAX_FIELD_LENGTH ||
      pkceChallenge(verifier) !== entry.challenge
    ) {
      return refuse('invalid_grant', 'redirect_uri, client_id or code_verifier does not match the code');
    }
    const accessToken = await options.sign({ sub: entry.sub, roles: [entry.role], ttlSeconds });
    response
      .writeHead(200, { ...cors, 'content-type': 'application/json', 'cache-control': 'no-store' })
      .end(JSON.stringify({ access_token: accessToken, token_type: 'Bearer', expires_in: ttlSeconds }));
  };

  const preflight = (response: ServerResponse, cors: Record<string, string>) =>
    response
      .writeHead(204, {
        ...cors,
        'access-control-allow-methods': 'POST',
        'access-control-allow-headers': 'content-type',
      })
      .end();

  const showPage = (request: IncomingMessage, response: ServerResponse) => {
    const params = new URL(request.url ?? '/', options.issuer).searchParams;
    authorizationRequest(params); // refuses a malformed request before showing anything
    html(response, 200, signInPage(params, options.issuer));
  };

  type Route = (request: IncomingMessage, response: ServerResponse, cors: Record<string, string>) => unknown;
  const routes: Record<string, Route> = {
    'GET /authorize': showPage,
    'POST /authorize': issueCode,
    'OPTIONS /token': (_request, response, cors) => preflight(response, cors),
    'POST /token': token,
  };

  /** Serves a request to one of the routes; false when the method is not one it takes. */
  const route = async (request: IncomingMessage, response: ServerResponse, path: string) => {
    const origin = request.headers.origin;
    // The console calls /token from its own origin: allowed only for loopback origins.
    const cors: Record<string, string> =
      origin && isLoopbackRedirect(origin) ? { 'access-control-allow-origin': origin, vary: 'origin' } : {};
    const handler = routes[`${request.method} ${path}`];
    if (!handler) {
      return false;
    }
    await handler(request, response, cors);
    return true;
  };

  return {
    discovery,
    /** Serves /authorize and /token; false for anything else. */
    handle(request: IncomingMessage, response: ServerResponse): boolean {
      const path = (request.url ?? '/').split('?')[0] ?? '/';
      if (path !== '/authorize' && path !== '/token') {
        return false;
      }
      route(request, response, path).then(
        (served) => {
          if (!served) {
            response.writeHead(405, { allow: path === '/token' ? 'POST, OPTIONS' : 'GET, POST' }).end();
          }
        },
        (error: unknown) => {
          if (!response.headersSent) {
            html(
              response,
              400,
              `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sign-in refused</title></head>
<body><main><h1>Sign-in refused</h1><p>${escapeHtml((error as Error).message)}</p></main></body></html>\n`,
            );
          }
        },
      );
      return true;
    },
  };
}
