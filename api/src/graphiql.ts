/**
 * GraphiQL that works with no internet: yoga's own page loads its scripts and styles from a
 * public CDN, so on an air-gapped NOC (or this machine) it stays at "Loading...". Here the page
 * is a few lines that load GraphiQL from the API's own origin, under /graphiql/<version>/, out
 * of the installed @graphql-yoga/render-graphiql package (the same build yoga's CDN serves,
 * fonts and icons inlined as data URLs), and a Content-Security-Policy lets the browser fetch
 * nothing from anywhere else. The assets are read on the first request for them, not at start:
 * they are 9 MB an API that nobody opens in a browser need not hold.
 */
import { readFileSync } from 'node:fs';
import type { Plugin } from 'graphql-yoga';

/** Where the assets are served: versioned, so a browser may keep them for good. */
export const GRAPHIQL_ASSETS_PATH = '/graphiql';

/** The package's entry (esm/index.js): its build, graphiql.js, sits beside it. */
const ENTRY = new URL(import.meta.resolve('@graphql-yoga/render-graphiql'));
const VERSION = (JSON.parse(readFileSync(new URL('../package.json', ENTRY), 'utf8')) as { version: string })
  .version;
const BASE = `${GRAPHIQL_ASSETS_PATH}/${VERSION}`;

interface GraphiqlBuild {
  css: string;
  js: string;
  favicon: string;
  editorWorkerService: string;
  jsonWorker: string;
  graphqlWorker: string;
}

/** Monaco asks for its workers by label; each is served as its own script on this origin. */
const WORKERS = {
  editorWorkerService: 'editor.worker.js',
  json: 'json.worker.js',
  graphql: 'graphql.worker.js',
};
const ASSET_NAMES: ReadonlySet<string> = new Set([
  'graphiql.css',
  'graphiql.js',
  'favicon.ico',
  ...Object.values(WORKERS),
]);

/** The page's own script, after GraphiQL's: the options ride on the root element, so no inline script is needed. */
const START = `YogaGraphiQL.renderYogaGraphiQL(document.getElementById('root'), JSON.parse(document.getElementById('root').dataset.options));`;
const WORKER_URLS = Object.fromEntries(
  Object.entries(WORKERS).map(([label, file]) => [label, `${BASE}/${file}`]),
);
const MONACO_ENVIRONMENT = `self.MonacoEnvironment = { globalAPI: false, getWorkerUrl: (_id, label) => (${JSON.stringify(WORKER_URLS)})[label] };`;

/**
 * Only this origin; inline styles (GraphiQL sets them), data: for its inlined fonts and icons.
 * In a meta element, so it travels with the page yoga answers (frame-ancestors needs a header).
 */
export const GRAPHIQL_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "worker-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

interface Asset {
  type: string;
  body: string | Uint8Array<ArrayBuffer>;
}

let assets: Promise<Map<string, Asset>> | undefined;

async function loadAssets(): Promise<Map<string, Asset>> {
  // Not in the package's exports: the build beside its entry, as its own renderGraphiQL reads it.
  const build = (await import(new URL('./graphiql.js', ENTRY).href)) as GraphiqlBuild;
  const js = 'application/javascript; charset=utf-8';
  const comma = build.favicon.indexOf(',');
  return new Map<string, Asset>([
    ['graphiql.css', { type: 'text/css; charset=utf-8', body: build.css }],
    ['graphiql.js', { type: js, body: `${MONACO_ENVIRONMENT}\n${build.js};\n${START}\n` }],
    [WORKERS.editorWorkerService, { type: js, body: build.editorWorkerService }],
    [WORKERS.json, { type: js, body: build.jsonWorker }],
    [WORKERS.graphql, { type: js, body: build.graphqlWorker }],
    [
      'favicon.ico',
      { type: 'image/x-icon', body: new Uint8Array(Buffer.from(build.favicon.slice(comma + 1), 'base64')) },
    ],
  ]);
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The page yoga answers a browser's GET /graphql with (yoga's renderGraphiQL option). */
export function renderOfflineGraphiQL(options: { title?: string } & Record<string, unknown>): string {
  const title = escapeHtml(options.title ?? 'GraphiQL');
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta http-equiv="Content-Security-Policy" content="${GRAPHIQL_CSP}" />
    <title>${title}</title>
    <link rel="icon" href="${BASE}/favicon.ico" />
    <link rel="stylesheet" href="${BASE}/graphiql.css" />
  </head>
  <body id="body" class="no-focus-outline">
    <noscript>You need to enable JavaScript to run this app.</noscript>
    <div id="root" data-options="${escapeHtml(JSON.stringify(options))}"></div>
    <script src="${BASE}/graphiql.js"></script>
  </body>
</html>
`;
}

/** Serves GET /graphiql/<version>/<asset>; anything else under /graphiql is 404 without reading anything. */
export function useGraphiqlAssets(): Plugin {
  return {
    async onRequest({ url, request, endResponse }) {
      if (!url.pathname.startsWith(`${GRAPHIQL_ASSETS_PATH}/`)) {
        return;
      }
      const name = url.pathname.startsWith(`${BASE}/`) ? url.pathname.slice(BASE.length + 1) : '';
      if (request.method !== 'GET' || !ASSET_NAMES.has(name)) {
        endResponse(new Response('not found\n', { status: 404, headers: { 'content-type': 'text/plain' } }));
        return;
      }
      assets ??= loadAssets();
      const asset = (await assets).get(name) as Asset;
      endResponse(
        new Response(asset.body, {
          headers: {
            'content-type': asset.type,
            'cache-control': 'public, max-age=31536000, immutable',
            'x-content-type-options': 'nosniff',
          },
        }),
      );
    },
  };
}
