import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type DevIssuer, startDevIssuer } from './dev-issuer.ts';
import { isLoopbackRedirect } from './dev-sign-in.ts';
import { staffTokenVerifier } from './staff-tokens.ts';

const REDIRECT = 'http://127.0.0.1:16080/console/';
const verifier = randomBytes(32).toString('base64url');
const challenge = createHash('sha256').update(verifier).digest('base64url');

describe("the development issuer's browser sign-in (authorization code + PKCE)", () => {
  let issuer: DevIssuer;
  before(async () => {
    issuer = await startDevIssuer({ dir: mkdtempSync(join(tmpdir(), 'dev-sign-in-')) });
  });
  after(() => issuer.stop());

  const authorize = (overrides: Record<string, string> = {}) =>
    new URLSearchParams({
      response_type: 'code',
      client_id: 'smart-fleet-console',
      redirect_uri: REDIRECT,
      state: 'st4te',
      code_challenge: challenge,
      code_challenge_method: 'S256',
      ...overrides,
    });
  const code = async (role = 'noc') => {
    const answer = await fetch(`${issuer.issuer}/authorize`, {
      method: 'POST',
      body: new URLSearchParams({ ...Object.fromEntries(authorize()), role, sub: 'nam' }),
      redirect: 'manual',
    });
    assert.equal(answer.status, 303);
    const location = new URL(answer.headers.get('location') ?? '');
    assert.equal(`${location.origin}${location.pathname}`, REDIRECT);
    assert.equal(location.searchParams.get('state'), 'st4te');
    return location.searchParams.get('code') ?? '';
  };
  const token = (form: Record<string, string>) =>
    fetch(`${issuer.issuer}/token`, {
      method: 'POST',
      headers: { origin: 'http://127.0.0.1:16080' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        client_id: 'smart-fleet-console',
        redirect_uri: REDIRECT,
        ...form,
      }),
    });

  it('publishes its endpoints in discovery, readable from a loopback page', async () => {
    const discovery = await fetch(`${issuer.issuer}/.well-known/openid-configuration`, {
      headers: { origin: 'http://127.0.0.1:16080' },
    });
    assert.equal(discovery.headers.get('access-control-allow-origin'), 'http://127.0.0.1:16080');
    const doc = await discovery.json();
    assert.equal(doc.authorization_endpoint, `${issuer.issuer}/authorize`);
    assert.deepEqual(doc.code_challenge_methods_supported, ['S256']);
  });

  it('shows a page marked development-only, and trades a code for a token the API accepts', async () => {
    const page = await fetch(`${issuer.issuer}/authorize?${authorize()}`);
    assert.match(await page.text(), /Development only/);
    const answer = await token({ code: await code('noc'), code_verifier: verifier });
    assert.equal(answer.status, 200);
    assert.equal(answer.headers.get('access-control-allow-origin'), 'http://127.0.0.1:16080');
    const { access_token: accessToken } = await answer.json();
    const principal = await staffTokenVerifier(issuer.config)(accessToken);
    assert.deepEqual(
      [principal.kind, principal.kind === 'staff' && principal.role, principal.id],
      ['staff', 'noc', 'nam'],
    );
  });

  it('uses a code once, and only with its own verifier', async () => {
    const wrong = await token({ code: await code(), code_verifier: randomBytes(32).toString('base64url') });
    assert.equal(wrong.status, 400);
    assert.match((await wrong.json()).error_description, /code_verifier does not match/);
    const once = await code();
    assert.equal((await token({ code: once, code_verifier: verifier })).status, 200);
    const again = await token({ code: once, code_verifier: verifier });
    assert.equal((await again.json()).error, 'invalid_grant');
  });

  it('refuses what a real provider would: no PKCE, a redirect off this machine, an unknown role', async () => {
    assert.equal(
      (await fetch(`${issuer.issuer}/authorize?${authorize({ code_challenge_method: 'plain' })}`)).status,
      400,
    );
    const offMachine = await fetch(
      `${issuer.issuer}/authorize?${authorize({ redirect_uri: 'https://evil.example/cb' })}`,
    );
    assert.equal(offMachine.status, 400);
    assert.match(await offMachine.text(), /loopback/);
    const role = await fetch(`${issuer.issuer}/authorize`, {
      method: 'POST',
      body: new URLSearchParams({ ...Object.fromEntries(authorize()), role: 'admin', sub: 'x' }),
      redirect: 'manual',
    });
    assert.equal(role.status, 400);
    assert.equal((await fetch(`${issuer.issuer}/token`, { method: 'GET' })).status, 405);
  });

  it('takes only loopback redirect URIs', () => {
    assert.deepEqual(
      [
        'http://127.0.0.1:1/x',
        'http://localhost:8080/',
        'http://127.9.9.9/',
        'http://[::1]:3000/',
        'http://10.0.0.1/',
        'https://fleet.example.kr/',
        'http://user@127.0.0.1/',
        'javascript:alert(1)',
      ].map(isLoopbackRedirect),
      [true, true, true, true, false, false, false, false],
    );
  });
});
