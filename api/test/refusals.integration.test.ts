/**
 * What the API's refusals say, against a running server over a real hub: malformed requests get
 * the GraphQL-over-HTTP status codes; no refusal leaks a stack, an internal error or a path;
 * nobody gets graphql-js's "Did you mean ...?" (it would spell out staff-only names of the
 * schema to a partner probing with near misses); a refused mutation says "not authorized to
 * run", a read "not authorized to read"; the code in a refusal matches its HTTP status;
 * partners get no introspection.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { listAll } from '@smart-fleet/kube';
import type { Site } from '@smart-fleet/model';
import { type ApiHarness, apiHarness, type Caller, headersFor } from '../../test/support/api-server.ts';
import { startApiServer } from '../src/server.ts';
import { MAX_REQUEST_BODY_BYTES } from '../src/yoga-plugins.ts';
import { assertAnswered, assertNoLeak, onlyError, post, type RawAnswer, send } from './http-answers.ts';

const ALL_SCOPES = ['sites:read', 'content:read', 'telemetry:read'] as const;

describe('against a fleet of 12 sites', () => {
  let h: ApiHarness;
  let partner: Caller;
  let site: Site;
  /** A valid staff token that carries no SMART Fleet role. */
  let noRole: string;

  before(async () => {
    h = await apiHarness({ sites: 12, prefix: 'api-refusals' });
    const sites = (await listAll(h.hub.client, 'Site', h.namespace)) as unknown as Site[];
    site = sites[0] as Site;
    partner = await h.partnerKey(site.spec.tenant, [...ALL_SCOPES]);
    noRole = await h.issuer.sign({ sub: 'visitor', roles: [] });
  });
  after(() => h?.stop());

  const q = (caller: Caller, query: string, variables?: Record<string, unknown>) =>
    post(h.api.url, caller, { query, variables });

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
      ['cost', q(partner, '{ sites(first: 500) { edges { node { telemetrySeries { at } } } } }')],
      ['nesting', q(h.operator, `{ ${'a { '.repeat(4000)}b${' }'.repeat(4000)} }`)],
      ['tokens', q(h.operator, `{ ${'a '.repeat(6000)}}`)],
      [
        'deep variables',
        q(h.operator, '{ __typename }', { v: JSON.parse(`${'['.repeat(50)}${']'.repeat(50)}`) }),
      ],
      ['suggestion', q(partner, '{ sites(first: 1) { edges { node { nam } } } }')],
      ['no role', q({ bearer: noRole }, '{ __typename }')],
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

  describe('no "Did you mean"', () => {
    const nearMisses = [
      [
        'a field',
        '{ sites(first: 1) { edges { node { nam } } } }',
        'Cannot query field "nam" on type "Site".',
      ],
      ['an argument', '{ sites(firs: 1) { totalCount } }', 'Unknown argument "firs" on field "Query.sites".'],
      [
        'an enum value',
        '{ sites(filter: { regions: [SEUL] }) { totalCount } }',
        'Value "SEUL" does not exist in "RegionCode" enum.',
      ],
      ['a type', '{ ...F } fragment F on Quer { __typename }', 'Unknown type "Quer".'],
    ] as const;
    for (const [what, query, message] of nearMisses) {
      test(`a near miss of ${what} is named without a suggestion, for partners and staff`, async () => {
        for (const caller of [partner, h.operator]) {
          const error = onlyError(await q(caller, query));
          assert.equal(error.message, message);
          assert.equal(error.extensions?.code, 'GRAPHQL_VALIDATION_FAILED');
        }
      });
    }

    test('a variable with a near-miss enum value is refused without a suggestion', async () => {
      const query = 'query ($r: [RegionCode!]) { sites(filter: { regions: $r }) { totalCount } }';
      const error = onlyError(await q(partner, query, { r: ['SEUL'] }));
      assert.match(error.message, /^Variable "\$r" got invalid value "SEUL"/);
      assert.doesNotMatch(error.message, /Did you mean|SEOUL/);
    });
  });

  describe('what a refusal says', () => {
    test('a refused mutation says "not authorized to run" it; a refused read names the field', async () => {
      const drain = await q(
        partner,
        `mutation { drainSite(namespace: "${h.namespace}", name: "${site.metadata.name}") { __typename } }`,
      );
      assert.equal(drain.body?.errors?.[0]?.message, 'not authorized to run drainSite');
      assert.equal(drain.body?.errors?.[0]?.extensions?.code, 'FORBIDDEN');
      const release = await q(h.noc, 'mutation { abortRollout(namespace: "x", name: "y") { __typename } }');
      assert.equal(release.body?.errors?.[0]?.message, 'not authorized to run abortRollout');
      const read = await q(partner, '{ wideAreaClusters { totalCount } }');
      assert.equal(read.body?.errors?.[0]?.message, 'not authorized to read Query.wideAreaClusters');
    });

    test('the code in a refusal matches its HTTP status', async () => {
      const cases: [string, Caller, number, string][] = [
        ['no credentials', {}, 401, 'UNAUTHENTICATED'],
        ['a forged token', { bearer: 'eyJhbGciOiJub25lIn0.e30.' }, 401, 'UNAUTHENTICATED'],
        ['an unknown key', { apiKey: 'sfk_000000000000_nope' }, 401, 'UNAUTHENTICATED'],
        ['a token with no role', { bearer: noRole }, 403, 'FORBIDDEN'],
      ];
      for (const [what, caller, status, code] of cases) {
        const answer = await q(caller, '{ __typename }');
        assert.equal(answer.status, status, `${what}: ${answer.text}`);
        const error = onlyError(answer);
        assert.equal(error.extensions?.code, code, `${what}: ${answer.text}`);
      }
    });

    test("an identity provider that cannot be reached is 503 SERVICE_UNAVAILABLE, not the caller's fault", async () => {
      // Same issuer and audience, but its keys are published nowhere this API can reach.
      const api = await startApiServer({
        client: h.hub.client,
        namespace: h.namespace,
        keysNamespace: h.namespace,
        oidc: { ...h.issuer.config, jwksUrl: 'http://127.0.0.1:9/jwks.json' },
      });
      try {
        const answer = await post(api.url, h.operator, { query: '{ __typename }' });
        assert.equal(answer.status, 503, answer.text);
        assert.equal(onlyError(answer).extensions?.code, 'SERVICE_UNAVAILABLE');
      } finally {
        await api.stop();
      }
    });
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
