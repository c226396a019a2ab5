/**
 * The offline GraphiQL page and its assets: the page names nothing off this origin, holds no
 * inline script, escapes what it is given, and the assets come from the installed package with
 * types a browser accepts and caching for good; anything else under the path is 404.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createSchema, createYoga } from 'graphql-yoga';
import { GRAPHIQL_ASSETS_PATH, GRAPHIQL_CSP, renderOfflineGraphiQL, useGraphiqlAssets } from './graphiql.ts';

const yoga = createYoga({
  schema: createSchema({ typeDefs: 'type Query { ok: Boolean }' }),
  renderGraphiQL: renderOfflineGraphiQL,
  plugins: [useGraphiqlAssets()],
  logging: false,
});
const page = renderOfflineGraphiQL({ title: 'Fleet <API>', subscriptionsProtocol: 'SSE' });
const assetUrls = [...page.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1] as string);

test('the page loads only assets of this origin, runs no inline script and escapes its options', () => {
  assert.doesNotMatch(page, /:\/\//, 'no absolute URL');
  assert.equal(assetUrls.length, 3);
  for (const url of assetUrls) {
    assert.ok(url.startsWith(`${GRAPHIQL_ASSETS_PATH}/`), url);
  }
  assert.doesNotMatch(page, /<script>/);
  assert.match(page, /<title>Fleet &#60;API&#62;<\/title>/);
  assert.match(page, /data-options="\{&#34;title&#34;:&#34;Fleet &#60;API&#62;&#34;/);
  assert.match(GRAPHIQL_CSP, /script-src 'self'/);
  assert.match(GRAPHIQL_CSP, /connect-src 'self'/);
});

test("yoga answers a browser's GET /graphql with that page", async () => {
  const response = await yoga.fetch('http://127.0.0.1/graphql', { headers: { accept: 'text/html' } });
  assert.equal(response.status, 200);
  const html = await response.text();
  assert.match(html, /graphiql\.js/);
  assert.doesNotMatch(html, /unpkg|:\/\//);
});

test('each asset is served from the installed package, typed and cached for good', async () => {
  const urls = [...assetUrls];
  const script = await (await yoga.fetch(`http://127.0.0.1${urls.find((u) => u.endsWith('.js'))}`)).text();
  // the workers the script asks Monaco to start, on this origin too
  const workers = [...script.matchAll(/"(\/graphiql\/[^"]+\.worker\.js)"/g)].map((m) => m[1] as string);
  assert.equal(workers.length, 3);
  for (const url of [...urls, ...workers]) {
    const response = await yoga.fetch(`http://127.0.0.1${url}`);
    assert.equal(response.status, 200, url);
    const type = response.headers.get('content-type') ?? '';
    const expected = url.endsWith('.css')
      ? 'text/css'
      : url.endsWith('.ico')
        ? 'image/x-icon'
        : 'application/javascript';
    assert.ok(type.startsWith(expected), `${url}: ${type}`);
    assert.equal(response.headers.get('cache-control'), 'public, max-age=31536000, immutable');
    assert.ok((await response.arrayBuffer()).byteLength > 1000, url);
  }
  assert.match(script, /renderYogaGraphiQL/);
});

test('anything else under the assets path is 404, a traversal and another method included', async () => {
  const base = assetUrls[0]?.slice(0, assetUrls[0].lastIndexOf('/')) as string;
  for (const path of [
    `${base}/nope.js`,
    `${base}/../package.json`,
    `${GRAPHIQL_ASSETS_PATH}/0.0.0/graphiql.js`,
    `${base}/%2e%2e/index.js`,
  ]) {
    assert.equal((await yoga.fetch(`http://127.0.0.1${path}`)).status, 404, path);
  }
  const post = await yoga.fetch(`http://127.0.0.1${assetUrls[2]}`, { method: 'POST' });
  assert.equal(post.status, 404);
});
