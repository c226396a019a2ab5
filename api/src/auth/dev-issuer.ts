/**
 * A local OIDC issuer for development and tests: it signs staff tokens with a key kept in the
 * hub directory and publishes the public half the way a real provider does (discovery + JWKS),
 * so the API verifies dev tokens through exactly the code path production uses. A browser signs
 * in through its authorization and token endpoints (dev-sign-in.ts), as it would at a real one.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import {
  type CryptoKey,
  calculateJwkThumbprint,
  exportJWK,
  generateKeyPair,
  importJWK,
  type JWK,
  SignJWT,
} from 'jose';
import { devSignIn, isLoopbackRedirect } from './dev-sign-in.ts';
import type { OidcConfig } from './staff-tokens.ts';

const ALG = 'ES256';
const AUDIENCE = 'smart-fleet-api';
const KEY_FILE = 'dev-issuer-key.json';
const DEFAULT_TTL_SECONDS = 8 * 3600;

export interface DevTokenClaims {
  sub: string;
  roles: string[];
  email?: string;
  /** Lifetime; 8 hours (a working day) unless given. Negative makes an already-expired token. */
  ttlSeconds?: number;
}

export interface DevIssuer {
  /** http://127.0.0.1:PORT */
  issuer: string;
  audience: typeof AUDIENCE;
  /** What the API needs to trust this issuer's tokens. */
  config: OidcConfig;
  sign(claims: DevTokenClaims): Promise<string>;
  stop(): Promise<void>;
}

interface SigningKey {
  privateKey: CryptoKey;
  publicJwk: JWK;
  kid: string;
}

/** Reads the persisted key, or makes and persists one, so dev tokens survive restarts. */
async function signingKey(dir: string): Promise<SigningKey> {
  const path = join(dir, KEY_FILE);
  const existing = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') {
      return undefined;
    }
    throw error;
  });
  const privateJwk: JWK = existing ? (JSON.parse(existing) as JWK) : await newPrivateJwk();
  if (!existing) {
    await mkdir(dir, { recursive: true });
    // 0600: the private key signs operator tokens for anything that trusts this issuer.
    await writeFile(path, `${JSON.stringify(privateJwk, null, 2)}\n`, { mode: 0o600 });
  }
  const { d: _private, ...publicJwk } = privateJwk;
  return {
    privateKey: (await importJWK(privateJwk, ALG)) as CryptoKey,
    publicJwk: { ...publicJwk, use: 'sig' },
    kid: privateJwk.kid ?? '',
  };
}

async function newPrivateJwk(): Promise<JWK> {
  const { privateKey } = await generateKeyPair(ALG, { extractable: true });
  const jwk = await exportJWK(privateKey);
  return { ...jwk, alg: ALG, kid: await calculateJwkThumbprint(jwk) };
}

function serve(routes: Record<string, unknown>, signIn: { handle: DevSignInHandle }) {
  return (request: IncomingMessage, response: ServerResponse): void => {
    if (signIn.handle(request, response)) {
      return;
    }
    const body = request.method === 'GET' ? routes[request.url ?? ''] : undefined;
    if (body === undefined) {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    // A browser app on another loopback port reads discovery and keys, as from a real provider.
    const origin = request.headers.origin;
    const cors =
      origin && isLoopbackRedirect(origin) ? { 'access-control-allow-origin': origin, vary: 'origin' } : {};
    response.writeHead(200, { 'content-type': 'application/json', ...cors }).end(JSON.stringify(body));
  };
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    // Loopback only: this issuer hands out keys to nobody, but it is still not for the network.
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/**
 * Signs development tokens as the issuer at `issuer` would, from the key persisted in `dir`:
 * `npm run api -- token` mints one while `npm start` serves the issuer.
 */
export async function devTokenSigner(
  dir: string,
  issuer: string,
): Promise<(claims: DevTokenClaims) => Promise<string>> {
  const key = await signingKey(dir);
  return (claims) => {
    const now = Math.floor(Date.now() / 1000);
    const payload =
      claims.email === undefined ? { roles: claims.roles } : { roles: claims.roles, email: claims.email };
    return new SignJWT(payload)
      .setProtectedHeader({ alg: ALG, kid: key.kid, typ: 'JWT' })
      .setIssuer(issuer)
      .setAudience(AUDIENCE)
      .setSubject(claims.sub)
      .setIssuedAt(now)
      .setExpirationTime(now + (claims.ttlSeconds ?? DEFAULT_TTL_SECONDS))
      .sign(key.privateKey);
  };
}

type DevSignInHandle = ReturnType<typeof devSignIn>['handle'];

export async function startDevIssuer(options: { dir: string; port?: number }): Promise<DevIssuer> {
  const key = await signingKey(options.dir);
  const routes: Record<string, unknown> = {};
  // The sign-in routes need the issuer URL, known once the server listens.
  const signIn: { handle: DevSignInHandle } = { handle: () => false };
  const server = createServer(serve(routes, signIn));
  const port = await listen(server, options.port ?? 0);
  const issuer = `http://127.0.0.1:${port}`;
  const jwksUrl = `${issuer}/jwks.json`;
  const sign = await devTokenSigner(options.dir, issuer);
  // DEVELOPMENT ONLY: the console's browser sign-in (dev-sign-in.ts), loopback like the rest.
  const browser = devSignIn({ issuer, sign });
  signIn.handle = browser.handle;
  routes['/.well-known/openid-configuration'] = {
    issuer,
    jwks_uri: jwksUrl,
    id_token_signing_alg_values_supported: [ALG],
    ...browser.discovery,
  };
  routes['/jwks.json'] = { keys: [key.publicJwk] };

  const stop = (): Promise<void> =>
    new Promise((resolve, reject) => {
      server.close((error) => (error ? reject(error) : resolve()));
      // Verifiers keep JWKS connections alive; without this close() waits for them to idle out.
      server.closeAllConnections();
    });

  return { issuer, audience: AUDIENCE, config: { issuer, audience: AUDIENCE, jwksUrl }, sign, stop };
}
