/**
 * What the API refuses before doing the work, against a running server over a real hub: queries
 * too deep or too costly (staff and partner limits), malformed requests (with the
 * GraphQL-over-HTTP status codes), per-caller rate limits, introspection for partners, and the
 * persisted-operation allow-list partners can be held to. No refusal may leak a stack trace,
 * an internal error or a path on the server's disk.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { listAll } from '@smart-fleet/kube';
import type { Site } from '@smart-fleet/model';
import {
  type ApiHarness,
  apiHarness,
  type Caller,
  type GraphqlAnswer,
  headersFor,
} from '../../test/support/api-server.ts';
import { MAX_REQUEST_BODY_BYTES } from '../src/yoga-plugins.ts';

const ALL_SCOPES = ['sites:read', 'content:read', 'telemetry:read'] as const;

interface RawAnswer {
  status: number;
  headers: Headers;
  text: string;
  /** The parsed body, or undefined when it is not JSON. */
  body?: Omit<GraphqlAnswer, 'status'>;
}

/** One HTTP request to the API, the answer kept raw (status, headers, text) and parsed. */
async function send(
  url: string,
  caller: Caller,
  init: { method?: string; body?: string; headers?: Record<string, string>; search?: string } = {},
): Promise<RawAnswer> {
  const response = await fetch(`${url}${init.search ?? ''}`, {
    method: init.method ?? 'POST',
    headers: {
      ...(init.method === 'GET' ? {} : { 'content-type': 'application/json' }),
      accept: 'application/json',
      ...headersFor(caller),
      ...init.headers,
    },
    body: init.body,
  });
  const text = await response.text();
  let body: RawAnswer['body'];
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: response.status, headers: response.headers, text, body };
}

/** A JSON POST of a GraphQL request (query, variables, extensions as given). */
const post = (url: string, caller: Caller, request: Record<string, unknown>, headers = {}) =>
  send(url, caller, { body: JSON.stringify(request), headers });

/**
 * Nothing internal in an error answer: no stack, no wrapped original error, no path on the
 * server's disk, no stack-trace line. ("at " alone would match our own "at most 10 allowed".)
 */
function assertNoLeak(answer: RawAnswer): void {
  const { text } = answer;
  for (const needle of ['"stack"', 'originalError', '/work/', 'node_modules', 'file://']) {
    assert.ok(!text.includes(needle), `answer carries ${needle}: ${text}`);
  }
  assert.doesNotMatch(
    text,
    /\bat \S+ \(|\bat (node|file):|\.ts:\d+:\d+/,
    `answer carries a stack line: ${text}`,
  );
}

/** The one error of a refused request, which must have no data and leak nothing. */
function onlyError(answer: RawAnswer) {
  assertNoLeak(answer);
  assert.ok(answer.body, `a JSON answer: ${answer.text}`);
  assert.equal(answer.body.errors?.length, 1, answer.text);
  assert.ok(answer.body.data === undefined || answer.body.data === null, `no data: ${answer.text}`);
  const [error] = answer.body.errors ?? [];
  assert.ok(error);
  return error;
}

/** `{ sites(first: N) { ... } }` with a busy row: spec, status, telemetry and the telemetry series. */
const costlySites = (first: number) => `{
  sites(first: ${first}) {
    totalCount
    edges { node {
      id name phase
      spec { kind tenant subscriberCap streaming { egressBudgetMbps } }
      status { phase } telemetry { egressMbps activeStreams cacheHitRatio }
      telemetrySeries { at egressMbps activeStreams cacheHitRatio errors }
    } }
  }
}`;

/** Refused for cost: the message names the cost and the limit, and the cost is over it. */
function assertTooCostly(answer: RawAnswer, limit: number): void {
  const error = onlyError(answer);
  const cost = new RegExp(`^query costs (\\d+); at most ${limit} allowed`).exec(error.message);
  assert.ok(cost, `a cost message naming the limit: ${error.message}`);
  assert.ok(Number(cost[1]) > limit, error.message);
  assert.equal(error.extensions?.code, 'QUERY_TOO_COMPLEX');
  assert.equal(error.extensions?.limit, 'complexity');
}

/** Refused for depth: the message names the depth and the limit. */
function assertTooDeep(answer: RawAnswer, depth: number, limit: number): void {
  const error = onlyError(answer);
  assert.equal(error.message, `query is nested ${depth} levels deep; at most ${limit} allowed`);
  assert.equal(error.extensions?.code, 'QUERY_TOO_COMPLEX');
  assert.equal(error.extensions?.limit, 'depth');
}

function assertAnswered(answer: RawAnswer): void {
  assert.equal(answer.status, 200, answer.text);
  assert.equal(answer.body?.errors, undefined, answer.text);
  assert.ok(answer.body?.data, answer.text);
}

describe('against a fleet of 20 sites, default limits', () => {
  let h: ApiHarness;
  let partner: Caller;
  let site: Site;

  before(async () => {
    h = await apiHarness({ sites: 20, prefix: 'api-limits' });
    const sites = (await listAll(h.hub.client, 'Site', h.namespace)) as unknown as Site[];
    assert.equal(sites.length, 20);
    site = sites[0] as Site;
    partner = await h.partnerKey(site.spec.tenant, [...ALL_SCOPES]);
  });
  after(() => h?.stop());

  const q = (caller: Caller, query: string, variables?: Record<string, unknown>) =>
    post(h.api.url, caller, { query, variables });

  describe('depth', () => {
    // sites1 edges2 node3 alerts4 site5 alerts6 site7 | tenant spec displayName: 10 deep.
    const atStaffLimit =
      '{ sites(first: 5) { edges { node { alerts { site { alerts { site { tenant { spec { displayName } } } } } } } } } }';
    // Two more levels of the Site -> Alert -> Site cycle: 12 deep.
    const overStaffLimit =
      '{ sites(first: 5) { edges { node { alerts { site { alerts { site { alerts { site { tenant { spec { displayName } } } } } } } } } } } }';
    // sites1 edges2 node3 placement4 site5 tenant6 spec7 displayName8.
    const overPartnerLimit =
      '{ sites(first: 5) { edges { node { placement { site { tenant { spec { displayName } } } } } } } }';

    test('staff may nest exactly 10 levels', async () => {
      assertAnswered(await q(h.operator, atStaffLimit));
    });

    test('12 levels are refused for staff, naming the depth and the limit, with no data', async () => {
      const answer = await q(h.operator, overStaffLimit);
      assert.equal(answer.status, 200);
      assertTooDeep(answer, 12, 10);
    });

    test('a partner is held to 7 levels, checked before any field is authorized', async () => {
      assertAnswered(await q(h.operator, overPartnerLimit));
      // Not FORBIDDEN for Site.placement: the shape is refused before any resolver runs.
      assertTooDeep(await q(partner, overPartnerLimit), 8, 7);
    });
  });

  describe('cost', () => {
    test('500 busy rows with their telemetry series are too costly for staff', async () => {
      assertTooCostly(await q(h.operator, costlySites(500)), 25_000);
    });

    test('the same shape at the console page size of 50 is answered', async () => {
      const answer = await q(h.operator, costlySites(50));
      assertAnswered(answer);
      assert.equal(answer.body?.data.sites.edges.length, 20);
    });

    test("a partner's tighter limit refuses 100 rows that staff may read", async () => {
      assertAnswered(await q(h.operator, costlySites(100)));
      assertTooCostly(await q(partner, costlySites(100)), 5_000);
      const small = await q(partner, costlySites(10));
      assertAnswered(small);
      assert.ok(
        small.body?.data.sites.edges.every((e: { node: Site }) => e.node.spec.tenant === site.spec.tenant),
        'the partner still sees only its own sites',
      );
    });

    test('a variable page size is costed by its value, not its absence', async () => {
      const query = `query Page($first: Int) { sites(first: $first) { edges { node {
        name telemetrySeries { at egressMbps activeStreams cacheHitRatio errors } } } } }`;
      assertTooCostly(await q(h.operator, query, { first: 500 }), 25_000);
      assertAnswered(await q(h.operator, query, { first: 50 }));
    });
  });

  describe('malformed requests', () => {
    test('a syntax error is 400 for graphql-response+json, with the parser message and no data', async () => {
      const answer = await post(
        h.api.url,
        h.operator,
        { query: '{ sites(first: 5) { totalCount }' },
        { accept: 'application/graphql-response+json' },
      );
      assert.equal(answer.status, 400);
      assert.match(onlyError(answer).message, /^Syntax Error: Expected Name, found <EOF>/);
    });

    test('a syntax error is 200 for legacy application/json clients, still with no data', async () => {
      // GraphQL over HTTP: with `accept: application/json` the status stays 200 (audit 572B).
      const answer = await q(h.operator, 'query { sites(first: ) { totalCount } }');
      assert.equal(answer.status, 200);
      assert.match(onlyError(answer).message, /^Syntax Error: /);
    });

    test('an unknown field is a validation error that names it', async () => {
      const answer = await post(
        h.api.url,
        h.operator,
        { query: '{ sites(first: 5) { edges { node { name secretSauce } } } }' },
        { accept: 'application/graphql-response+json' },
      );
      assert.equal(answer.status, 400);
      assert.equal(onlyError(answer).message, 'Cannot query field "secretSauce" on type "Site".');
    });

    test('a body that is not JSON is 400', async () => {
      const answer = await send(h.api.url, h.operator, { body: '{ "query": "{ sites { totalCount } }" ' });
      assert.equal(answer.status, 400, answer.text);
      assert.ok(onlyError(answer).message.length > 0);
    });

    test('a body over the limit is 413 and nothing in it runs', async () => {
      const drain = `mutation Drain($padding: String) { drainSite(namespace: "${h.namespace}", name: "${site.metadata.name}") { __typename } }`;
      const body = JSON.stringify({
        query: drain,
        variables: { padding: 'x'.repeat(MAX_REQUEST_BODY_BYTES) },
      });
      const answer = await send(h.api.url, h.operator, { body });
      assert.equal(answer.status, 413, answer.text);
      assert.equal(onlyError(answer).extensions?.code, 'REQUEST_ENTITY_TOO_LARGE');
      assert.match(onlyError(answer).message, new RegExp(`at most ${MAX_REQUEST_BODY_BYTES} bytes`));
      const now = h.api.view.get<Site>('Site', h.namespace, site.metadata.name);
      assert.notEqual(now?.spec.lifecycle, 'Draining', 'the mutation in the refused body did not run');
    });

    test('a body without a Content-Length (chunked) is 411', async () => {
      const chunks = [JSON.stringify({ query: '{ sites(first: 1) { totalCount } }' })];
      const response = await fetch(h.api.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json',
          ...headersFor(h.operator),
        },
        body: new ReadableStream({
          pull(controller) {
            const next = chunks.shift();
            if (next === undefined) {
              controller.close();
            } else {
              controller.enqueue(new TextEncoder().encode(next));
            }
          },
        }),
        duplex: 'half',
      } as RequestInit);
      const answer = JSON.parse(await response.text()) as { errors: { extensions: { code: string } }[] };
      assert.equal(response.status, 411);
      assert.equal(answer.errors[0]?.extensions.code, 'LENGTH_REQUIRED');
    });

    test('a mutation over GET is 405 and names POST as the method to use', async () => {
      const mutation = `mutation { drainSite(namespace: "${h.namespace}", name: "${site.metadata.name}") { __typename } }`;
      const answer = await send(h.api.url, h.operator, {
        method: 'GET',
        search: `?query=${encodeURIComponent(mutation)}`,
      });
      assert.equal(answer.status, 405, answer.text);
      assert.match(answer.headers.get('allow') ?? '', /POST/);
      assert.match(onlyError(answer).message, /mutation/i);
      const now = (await listAll(h.hub.client, 'Site', h.namespace)) as unknown as Site[];
      const drained = now.find((s) => s.metadata.name === site.metadata.name)?.spec.lifecycle;
      assert.equal(drained, 'Active', 'the site was not drained');
    });

    test('a variable of the wrong type is refused, naming the variable', async () => {
      const answer = await q(h.operator, 'query Page($first: Int) { sites(first: $first) { totalCount } }', {
        first: 'ten',
      });
      assert.match(
        onlyError(answer).message,
        /^Variable "\$first" got invalid value "ten";.*Int cannot represent/,
      );
    });
  });

  test('no refusal leaks a stack, an internal error or a path on disk', async () => {
    const url = h.api.url;
    const cases: [string, Promise<RawAnswer>][] = [
      ['syntax', q(h.operator, '{ sites {')],
      ['validation', q(h.operator, '{ nothingHere }')],
      ['variables', q(h.operator, 'query ($f: Int!) { sites(first: $f) { totalCount } }', { f: {} })],
      ['not JSON', send(url, h.operator, { body: 'query=1' })],
      ['GET mutation', send(url, h.operator, { method: 'GET', search: '?query=mutation%7B__typename%7D' })],
      [
        'depth',
        q(partner, '{ sites { edges { node { placement { site { tenant { spec { kind } } } } } } } }'),
      ],
      ['cost', q(h.operator, costlySites(500))],
      ['bad cursor', q(h.operator, '{ sites(first: 2, after: "not-a-cursor") { totalCount } }')],
      ['last and first', q(h.operator, '{ sites(first: 2, last: 2) { totalCount } }')],
      ['forbidden', q(partner, '{ wideAreaClusters { totalCount } }')],
      ['no credentials', q({}, '{ sites { totalCount } }')],
      ['bad token', q({ bearer: 'eyJhbGciOiJub25lIn0.e30.' }, '{ sites { totalCount } }')],
      ['bad key', q({ apiKey: 'sfk_nope' }, '{ sites { totalCount } }')],
    ];
    for (const [name, pending] of cases) {
      const answer = await pending;
      assert.ok(answer.body?.errors?.length, `${name} is refused: ${answer.text}`);
      assertNoLeak(answer);
    }
  });

  describe('introspection', () => {
    const refusedToPartners = [
      ['__schema', '{ __schema { types { name } } }'],
      ['__type', '{ __type(name: "Site") { name fields { name } } }'],
      ['an aliased __type', '{ t: __type(name: "Site") { name } }'],
      ['__type in a fragment', '{ ...T } fragment T on Query { __type(name: "Site") { name } }'],
    ] as const;
    for (const [what, query] of refusedToPartners) {
      test(`${what} is refused to a partner`, async () => {
        const error = onlyError(await q(partner, query));
        assert.equal(error.extensions?.code, 'FORBIDDEN');
        assert.match(error.message, /introspection/);
      });
    }

    test('a partner may still ask for __typename', async () => {
      const answer = await q(partner, '{ __typename sites(first: 1) { __typename } }');
      assertAnswered(answer);
      assert.equal(answer.body?.data.__typename, 'Query');
    });

    test('staff may introspect', async () => {
      const schema = await q(h.operator, '{ __schema { types { name } } }');
      assertAnswered(schema);
      const names = schema.body?.data.__schema.types.map((t: { name: string }) => t.name);
      assert.ok(names.includes('Site') && names.includes('Mutation'), String(names));
      const type = await q(h.noc, '{ __type(name: "Site") { name } }');
      assertAnswered(type);
      assert.equal(type.body?.data.__type.name, 'Site');
    });
  });
});

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

describe('persisted-operation allow-list for partners', () => {
  const ALLOWED = 'query Summary { fleetSummary { sites } }';
  const hash = createHash('sha256').update(ALLOWED).digest('hex');
  let h: ApiHarness;
  let partner: Caller;

  before(async () => {
    h = await apiHarness({
      sites: 4,
      prefix: 'api-pq',
      serverOptions: { partnerOperations: { [hash]: ALLOWED } },
    });
    const [site] = (await listAll(h.hub.client, 'Site', h.namespace)) as unknown as Site[];
    assert.ok(site);
    partner = await h.partnerKey(site.spec.tenant, ['sites:read']);
  });
  after(() => h?.stop());

  const byId = (sha256Hash: string) => ({ extensions: { persistedQuery: { version: 1, sha256Hash } } });

  test('a partner runs an allowed operation by its sha256, sending no document', async () => {
    const answer = await post(h.api.url, partner, byId(hash));
    assertAnswered(answer);
    assert.ok(answer.body?.data.fleetSummary.sites > 0, answer.text);
  });

  test('a partner may also send the id over GET', async () => {
    const answer = await send(h.api.url, partner, {
      method: 'GET',
      search: `?extensions=${encodeURIComponent(JSON.stringify(byId(hash).extensions))}`,
    });
    assertAnswered(answer);
  });

  test('a partner sending any document is refused, even the allowed one spelled out', async () => {
    for (const query of ['{ tenants { totalCount } }', ALLOWED]) {
      const error = onlyError(await post(h.api.url, partner, { query }));
      assert.equal(error.message, 'PersistedQueryOnly');
      assert.equal(error.extensions?.code, 'CANNOT_SEND_PQ_ID_AND_BODY');
    }
  });

  test('a partner sending an unknown id is refused', async () => {
    const unknown = createHash('sha256').update('{ tenants { totalCount } }').digest('hex');
    const error = onlyError(await post(h.api.url, partner, byId(unknown)));
    assert.equal(error.extensions?.code, 'PERSISTED_QUERY_NOT_IN_LIST');
  });

  test('staff may still send any document, and the allowed ids', async () => {
    const answer = await post(h.api.url, h.operator, {
      query: '{ tenants { totalCount } sites { totalCount } }',
    });
    assertAnswered(answer);
    assert.equal(answer.body?.data.sites.totalCount, 4);
    assertAnswered(await post(h.api.url, h.noc, byId(hash)));
  });
});
