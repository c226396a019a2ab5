/**
 * The GraphQL-over-HTTP conformance audits published by `graphql-http`, run against the API
 * server over a real hub. The server admits no anonymous request, so every audit request
 * carries an operator's bearer token: what is audited is the protocol behind authentication
 * (status codes, media types, parameter checks), which our guard plugins must not disturb.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { serverAudits } from 'graphql-http';
import { type ApiHarness, apiHarness, headersFor } from '../../test/support/api-server.ts';

let h: ApiHarness | undefined;
let url = '';

/** fetch, with the operator's credentials added to whatever headers the audit sent. */
const authenticatedFetch = (input: string | URL | Request, init: RequestInit = {}): Promise<Response> => {
  assert.ok(h, 'the harness is up');
  const headers = new Headers(init.headers);
  for (const [name, value] of Object.entries(headersFor(h.operator))) {
    headers.set(name, value);
  }
  return fetch(input, { ...init, headers });
};

// The audit list is fixed; the URL is read when each audit runs, after `before` started the server.
const audits = serverAudits({ url: () => url, fetchFn: authenticatedFetch });

before(async () => {
  h = await apiHarness({ sites: 4, prefix: 'api-audit' });
  url = h.api.url;
});
after(() => h?.stop());

test('the audit suite is not empty and every audit has a distinct id', () => {
  assert.ok(audits.length > 20, `only ${audits.length} audits`);
  assert.equal(new Set(audits.map((a) => a.id)).size, audits.length);
});

test('without credentials an audit meets 401: the token is what lets the audits through', async () => {
  const anonymous = serverAudits({ url: () => url }).find((a) => a.id === '4655');
  assert.ok(anonymous, 'audit 4655 (MUST accept application/json) exists');
  const result = await anonymous.fn();
  assert.equal(result.status, 'error');
  assert.equal(result.status === 'error' && result.response.status, 401);
});

for (const audit of audits) {
  test(`${audit.id} ${audit.name}`, async () => {
    const result = await audit.fn();
    if (result.status !== 'ok') {
      // Read the body so the failure says what the server answered, and the socket is freed.
      const body = await result.response.text().catch(() => '<unreadable>');
      assert.fail(
        `${result.status}: ${result.reason}\nstatus ${result.response.status}: ${body.slice(0, 500)}`,
      );
    }
  });
}
