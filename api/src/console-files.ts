/**
 * Serves the built console (console/dist) under /console beside the GraphQL endpoint, so
 * `npm start` needs no second web server: static files with their content types, hashed assets
 * cached for good and everything else revalidated, index.html for client routes, the browser's
 * runtime settings at /console/config.json, and a page saying how to build the console instead
 * of a bare 404 when it was not built. Only GET and HEAD; nothing outside the build is readable.
 */
import { createReadStream, existsSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';

export const CONSOLE_PATH = '/console';

/** What the browser app needs to know at run time (all public; the stack's nginx serves the same). */
export interface ConsoleSettings {
  /** The GraphQL endpoint, absolute or relative to the console's origin. */
  apiUrl: string;
  /** Staff sign in with OIDC (authorization code + PKCE) against this issuer. */
  oidcIssuer: string;
  /** The console's public client id at the issuer (no secret: PKCE). */
  oidcClientId: string;
}

export interface ConsoleFilesOptions {
  /** The Vite build: index.html and assets/. */
  dir: string;
  settings: ConsoleSettings;
}

const HTML = 'text/html; charset=utf-8';
const JSON_TYPE = 'application/json; charset=utf-8';
const TEXT = { 'content-type': 'text/plain; charset=utf-8' };

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
};

/** Far longer than any request path the build has; bounds what is decoded and resolved. */
const MAX_PATH_LENGTH = 512;

/**
 * What every console response carries: no sniffing, no framing, no referrer, and a policy that
 * lets the page reach only its own origin and the OIDC issuer. MUI writes its styles inline and
 * maplibre starts its workers from blobs, hence those two allowances.
 */
function securityHeaders(settings: ConsoleSettings): Record<string, string> {
  const issuer = new URL(settings.oidcIssuer).origin;
  const api = /^https?:/.test(settings.apiUrl) ? ` ${new URL(settings.apiUrl).origin}` : '';
  return {
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'referrer-policy': 'no-referrer',
    'content-security-policy': [
      "default-src 'self'",
      `connect-src 'self' ${issuer}${api}`,
      "img-src 'self' data: blob:",
      "style-src 'self' 'unsafe-inline'",
      "worker-src 'self' blob:",
      "child-src 'self' blob:",
      "frame-ancestors 'none'",
      `form-action 'self' ${issuer}`,
    ].join('; '),
  };
}

const NOT_BUILT = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Console not built</title></head>
<body><h1>The console is not built</h1>
<p>Build it with <code>npm run build -w console</code> (<code>npm start</code> and <code>npm test</code>
build it themselves when its sources changed), then reload this page. The GraphQL API at
<a href="/graphql">/graphql</a> works without it.</p></body></html>\n`;

/** A handler for /console and below; anything else is left to the caller (it answers false). */
export function consoleFiles(options: ConsoleFilesOptions) {
  const headers = securityHeaders(options.settings);
  const settingsBody = `${JSON.stringify(options.settings)}\n`;
  const send = (
    response: ServerResponse,
    status: number,
    extra: Record<string, string>,
    body: string | undefined,
  ) => {
    response.writeHead(status, { ...headers, ...extra });
    response.end(body);
  };
  const sendFile = (request: IncomingMessage, response: ServerResponse, file: string, immutable: boolean) => {
    const size = statSync(file).size;
    response.writeHead(200, {
      ...headers,
      'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
      'content-length': String(size),
      // Vite names assets by content hash: a changed file is a new name, so a year is safe.
      'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
    });
    if (request.method === 'HEAD') {
      response.end();
      return;
    }
    createReadStream(file).pipe(response);
  };

  /** A path under /console/ (already decoded and checked): the settings, a file, or the app. */
  const serveInside = (request: IncomingMessage, response: ServerResponse, relative: string) => {
    if (relative === 'config.json') {
      send(response, 200, { 'content-type': JSON_TYPE, 'cache-control': 'no-cache' }, settingsBody);
      return;
    }
    const index = join(options.dir, 'index.html');
    if (!existsSync(index)) {
      send(response, 503, { 'content-type': HTML, 'cache-control': 'no-store' }, NOT_BUILT);
      return;
    }
    const file = join(options.dir, relative);
    if (relative !== '' && existsSync(file) && statSync(file).isFile()) {
      sendFile(request, response, file, relative.startsWith('assets/'));
    } else if (relative === '' || extname(relative) === '') {
      sendFile(request, response, index, false); // a client route: the app resolves it
    } else {
      send(response, 404, TEXT, `no such console file: ${relative.slice(0, 100)}\n`);
    }
  };

  const isConsolePath = (path: string) => path === CONSOLE_PATH || path.startsWith(`${CONSOLE_PATH}/`);

  return (request: IncomingMessage, response: ServerResponse): boolean => {
    const path = pathOf(request.url);
    if (!isConsolePath(path)) {
      return false;
    }
    const relative = safeRelative(path.slice(CONSOLE_PATH.length + 1));
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      send(response, 405, { allow: 'GET, HEAD', ...TEXT }, 'only GET and HEAD\n');
    } else if (path === CONSOLE_PATH) {
      send(response, 308, { location: `${CONSOLE_PATH}/` }, undefined);
    } else if (relative === undefined) {
      send(response, 400, TEXT, 'bad path\n');
    } else {
      serveInside(request, response, relative);
    }
    return true;
  };
}

const pathOf = (url: string | undefined) => (url ?? '/').split('?')[0] ?? '/';

/** The request path as a path inside the build, or undefined if it leaves it or cannot be decoded. */
export function safeRelative(encoded: string): string | undefined {
  if (encoded.length > MAX_PATH_LENGTH) {
    return undefined;
  }
  let decoded: string;
  try {
    decoded = decodeURIComponent(encoded);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) {
    return undefined;
  }
  const normal = normalize(decoded);
  if (normal.startsWith('..') || normal.startsWith(sep) || normal.split(sep).includes('..')) {
    return undefined;
  }
  return normal === '.' ? '' : normal;
}
