import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, get, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { consoleFiles, safeRelative } from './console-files.ts';

const settings = {
  apiUrl: '/graphql',
  oidcIssuer: 'http://127.0.0.1:16081',
  oidcClientId: 'smart-fleet-console',
};

async function serve(dir: string): Promise<{ url: string; server: Server }> {
  const route = consoleFiles({ dir, settings });
  const server = createServer((request, response) => {
    if (!route(request, response)) {
      response.writeHead(418).end('not the console');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

describe('the console under /console', () => {
  let built: { url: string; server: Server };
  let bare: { url: string; server: Server };

  before(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'console-dist-'));
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>SMART Fleet</title>');
    writeFileSync(join(dir, 'assets', 'index-abc123.js'), 'console.log(1)');
    writeFileSync(join(dir, 'assets', 'maplibre-gl-worker-x.mjs'), 'self.onmessage=()=>{}');
    writeFileSync(join(dir, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
    built = await serve(dir);
    bare = await serve(mkdtempSync(join(tmpdir(), 'console-unbuilt-')));
  });
  after(() => {
    built.server.close();
    bare.server.close();
  });

  it('serves files with their content types; hashed assets are cached for good, the rest revalidated', async () => {
    const js = await fetch(`${built.url}/console/assets/index-abc123.js`);
    assert.equal(js.headers.get('content-type'), 'text/javascript; charset=utf-8');
    assert.equal(js.headers.get('cache-control'), 'public, max-age=31536000, immutable');
    assert.equal(await js.text(), 'console.log(1)');
    const worker = await fetch(`${built.url}/console/assets/maplibre-gl-worker-x.mjs`);
    assert.equal(worker.headers.get('content-type'), 'text/javascript; charset=utf-8');
    const icon = await fetch(`${built.url}/console/favicon.svg`);
    assert.equal(icon.headers.get('content-type'), 'image/svg+xml');
    assert.equal(icon.headers.get('cache-control'), 'no-cache');
  });

  it('answers client routes with index.html, and a missing file with a 404 naming it', async () => {
    for (const path of ['/console/', '/console/sites/abc/show']) {
      const page = await fetch(`${built.url}${path}`);
      assert.equal(page.status, 200, path);
      assert.equal(page.headers.get('content-type'), 'text/html; charset=utf-8');
      assert.match(await page.text(), /SMART Fleet/);
    }
    const missing = await fetch(`${built.url}/console/assets/gone.js`);
    assert.equal(missing.status, 404);
    assert.match(await missing.text(), /no such console file: assets\/gone\.js/);
  });

  it('gives the runtime settings, and security headers on everything', async () => {
    const config = await fetch(`${built.url}/console/config.json`);
    assert.deepEqual(await config.json(), settings);
    assert.equal(config.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(config.headers.get('x-frame-options'), 'DENY');
    const csp = config.headers.get('content-security-policy') ?? '';
    assert.match(csp, /default-src 'self'/);
    assert.match(csp, /connect-src 'self' http:\/\/127\.0\.0\.1:16081/);
    assert.doesNotMatch(csp, /script-src[^;]*unsafe-inline/);
  });

  it('redirects /console to /console/, refuses other methods, and leaves other paths alone', async () => {
    const bareRoot = await fetch(`${built.url}/console`, { redirect: 'manual' });
    assert.equal(bareRoot.status, 308);
    assert.equal(bareRoot.headers.get('location'), '/console/');
    assert.equal((await fetch(`${built.url}/console/`, { method: 'POST', body: 'x' })).status, 405);
    assert.equal((await fetch(`${built.url}/graphql`)).status, 418);
    assert.equal((await fetch(`${built.url}/consoles`)).status, 418);
  });

  it('never reads outside the build', async () => {
    // Sent as written (fetch would resolve the dots itself before the server saw them).
    const raw = (path: string) =>
      new Promise<number>((resolve, reject) =>
        get({ host: '127.0.0.1', port: new URL(built.url).port, path }, (answer) => {
          answer.resume();
          resolve(answer.statusCode ?? 0);
        }).on('error', reject),
      );
    for (const path of [
      '/console/..%2F..%2Fetc%2Fpasswd',
      '/console/%2e%2e/%2e%2e/etc/passwd',
      '/console/a%00b',
      '/console/%E0%A4%A',
    ]) {
      assert.equal(await raw(path), 400, path);
    }
    assert.equal(safeRelative('assets/x.js'), 'assets/x.js');
    assert.equal(safeRelative('../x'), undefined);
    assert.equal(safeRelative('a/../../x'), undefined);
    assert.equal(safeRelative('x'.repeat(600)), undefined);
  });

  it('says how to build the console when it was not built, instead of a bare 404', async () => {
    const page = await fetch(`${bare.url}/console/`);
    assert.equal(page.status, 503);
    assert.match(await page.text(), /The console is not built.*npm run build -w console/s);
    assert.equal(
      (await fetch(`${bare.url}/console/config.json`)).status,
      200,
      'settings do not need the build',
    );
  });
});
