/**
 * Rate limits against a running server over a real hub: per caller (each partner key, each
 * staff member) after authentication, and per source address before it, so that guessing keys
 * or tokens is throttled (429 with Retry-After) whoever guesses, valid credentials from a
 * throttled address included. X-Forwarded-For names the address only when it comes from a
 * proxy the server was told to trust.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { type ApiHarness, apiHarness, type Caller } from '../../test/support/api-server.ts';
import { startApiServer } from '../src/server.ts';
import { assertAnswered, onlyError, post, type RawAnswer } from './http-answers.ts';

describe('rate limits (a partner may make 3 requests at once, then 1 a second)', () => {
  let h: ApiHarness;
  let tenant: string;
  const ping = (caller: Caller) => post(h.api.url, caller, { query: '{ tenants { totalCount } }' });

  before(async () => {
    h = await apiHarness({
      sites: 4,
      prefix: 'api-rate',
      serverOptions: { rateLimits: { partner: { ratePerSecond: 1, burst: 3 } } },
    });
    tenant = String(h.fleet.tenants?.[0]?.name);
  });
  after(() => h?.stop());

  test('the 4th quick request is 429 with Retry-After and RATE_LIMITED; the limit then lifts', async () => {
    const partner = await h.partnerKey(tenant, ['sites:read']);
    // Compiled once, by someone else: the four quick requests must fit in the second before a refill.
    assertAnswered(await ping(h.operator));
    for (let i = 1; i <= 3; i++) {
      assertAnswered(await ping(partner));
    }
    const refused = await ping(partner);
    assert.equal(refused.status, 429, refused.text);
    const retryAfter = Number(refused.headers.get('retry-after'));
    assert.ok(
      Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 2,
      `Retry-After ${retryAfter}`,
    );
    assert.match(refused.headers.get('content-type') ?? '', /application\/json/);
    const error = onlyError(refused);
    assert.equal(error.extensions?.code, 'RATE_LIMITED');
    assert.match(error.message, /rate limit/);
    // Waiting as long as told to is enough (the behaviour under test, not a readiness guess).
    await delay(retryAfter * 1000);
    assertAnswered(await ping(partner));
  });

  test("one partner key's exhaustion leaves other keys and staff unaffected", async () => {
    const [noisy, quiet] = [
      await h.partnerKey(tenant, ['sites:read']),
      await h.partnerKey(tenant, ['sites:read']),
    ];
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      statuses.push((await ping(noisy)).status);
    }
    assert.deepEqual(statuses.slice(0, 3), [200, 200, 200]);
    assert.ok(statuses.slice(3).includes(429), String(statuses));
    assertAnswered(await ping(quiet));
    for (let i = 0; i < 10; i++) {
      assertAnswered(await ping(h.operator));
    }
  });

  test('the key is limited however it is presented (X-API-Key or Authorization: ApiKey)', async () => {
    const partner = await h.partnerKey(tenant, ['sites:read']);
    const key = 'apiKey' in partner ? String(partner.apiKey) : '';
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      const caller = i % 2 === 0 ? partner : {};
      const headers = i % 2 === 0 ? {} : { authorization: `ApiKey ${key}` };
      statuses.push((await post(h.api.url, caller, { query: '{ tenants { totalCount } }' }, headers)).status);
    }
    assert.deepEqual(statuses, [200, 200, 200, 429]);
  });
});

describe('limits per source address, before authentication (3 failures at once, then 1 a second; 20 requests, then 1 every 10 s)', () => {
  let h: ApiHarness;
  let partner: Caller;
  let other: Caller;
  const forgedToken = { bearer: 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl' };
  const wrongKey = { apiKey: 'sfk_0123456789ab_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' };
  let nextAddress = 1;
  /** A fresh client address per test: the server trusts 127.0.0.1 to say who it forwards for. */
  const address = () => `203.0.113.${nextAddress++}`;
  const from = (url: string, caller: Caller, forwardedFor: string) =>
    post(url, caller, { query: '{ tenants { totalCount } }' }, { 'x-forwarded-for': forwardedFor });

  before(async () => {
    h = await apiHarness({
      sites: 4,
      prefix: 'api-address',
      serverOptions: {
        trustedProxies: ['127.0.0.1'],
        rateLimits: {
          partner: { ratePerSecond: 1000, burst: 1000 },
          address: { requests: { ratePerSecond: 0.1, burst: 20 }, failures: { ratePerSecond: 1, burst: 3 } },
        },
      },
    });
    const tenant = String(h.fleet.tenants?.[0]?.name);
    [partner, other] = [
      await h.partnerKey(tenant, ['sites:read']),
      await h.partnerKey(tenant, ['sites:read']),
    ];
  });
  after(() => h?.stop());

  function assertThrottled(answer: RawAnswer, why: RegExp, maxRetryAfter = 2): number {
    assert.equal(answer.status, 429, answer.text);
    const error = onlyError(answer);
    assert.equal(error.extensions?.code, 'RATE_LIMITED');
    assert.match(error.message, why);
    const retryAfter = Number(answer.headers.get('retry-after'));
    assert.ok(
      Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= maxRetryAfter,
      `Retry-After ${retryAfter}`,
    );
    return retryAfter;
  }

  test('guessing is throttled after 3 failures, and then even a valid key from there waits', async () => {
    const guesser = address();
    for (const caller of [wrongKey, forgedToken, wrongKey]) {
      assert.equal((await from(h.api.url, caller, guesser)).status, 401);
    }
    assertThrottled(
      await from(h.api.url, wrongKey, guesser),
      /^too many failed authentications from this address/,
    );
    // Refused before the key is looked at: a valid one is no way around it.
    const retryAfter = assertThrottled(await from(h.api.url, partner, guesser), /failed authentications/);
    assertAnswered(await from(h.api.url, partner, address()));
    await delay(retryAfter * 1000); // waiting as long as told is the behaviour under test
    assertAnswered(await from(h.api.url, partner, guesser));
  });

  test('successful requests spend none of the failure allowance', async () => {
    const client = address();
    for (let i = 0; i < 10; i++) {
      assertAnswered(await from(h.api.url, i % 2 ? partner : h.operator, client));
    }
    const statuses = [];
    for (let i = 0; i < 4; i++) {
      statuses.push((await from(h.api.url, wrongKey, client)).status);
    }
    assert.deepEqual(statuses, [401, 401, 401, 429]);
  });

  test("every request from an address counts, whoever's credentials it carries", async () => {
    const client = address();
    const callers = [partner, other, h.operator, h.noc];
    const statuses: number[] = [];
    for (let i = 0; i < 20; i++) {
      statuses.push((await from(h.api.url, callers[i % callers.length] as Caller, client)).status);
    }
    assert.ok(
      statuses.every((s) => s === 200),
      String(statuses),
    );
    assertThrottled(await from(h.api.url, partner, client), /^rate limit for this address exceeded/, 10);
  });

  test('the client address is the right-most hop the trusted proxy saw: prepending others changes nothing', async () => {
    const client = address();
    for (let i = 0; i < 3; i++) {
      assert.equal((await from(h.api.url, wrongKey, `198.51.100.${i}, ${client}`)).status, 401);
    }
    assertThrottled(await from(h.api.url, wrongKey, `198.51.100.9, ${client}`), /failed authentications/);
  });

  test('without a trusted proxy, X-Forwarded-For is ignored: a guesser cannot pick a fresh address', async () => {
    const api = await startApiServer({
      client: h.hub.client,
      oidc: h.issuer.config,
      namespace: h.namespace,
      keysNamespace: h.namespace,
      rateLimits: {
        address: { requests: { ratePerSecond: 0.1, burst: 20 }, failures: { ratePerSecond: 1, burst: 3 } },
      },
    });
    try {
      for (let i = 0; i < 3; i++) {
        assert.equal((await from(api.url, wrongKey, address())).status, 401);
      }
      assertThrottled(await from(api.url, wrongKey, address()), /failed authentications/);
    } finally {
      await api.stop();
    }
  });
});
