/**
 * What the API refuses before doing the work, by the shape of what it is sent, against a running
 * server over a real hub: documents too long, with too many tokens or nested too deeply (refused
 * while parsing, before anything recursive runs: a 4,000-deep query once overflowed the stack),
 * variables too deep or too many, and operations too deep, too broad (aliases count) or too
 * costly for the caller's role. Every refusal is one typed error, no data, nothing run.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { listAll } from '@smart-fleet/kube';
import type { Site } from '@smart-fleet/model';
import { type ApiHarness, apiHarness, type Caller } from '../../test/support/api-server.ts';
import { DOCUMENT_LIMITS, VARIABLE_LIMITS } from '../src/limits/document-limits.ts';
import { assertAnswered, onlyError, post, type RawAnswer } from './http-answers.ts';

const ALL_SCOPES = ['sites:read', 'content:read', 'telemetry:read'] as const;

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
  assert.equal(answer.status, 400, 'a refusal by policy is a 400 whatever the client accepts');
  const error = onlyError(answer);
  const cost = new RegExp(`^query costs (\\d+); at most ${limit} allowed`).exec(error.message);
  assert.ok(cost, `a cost message naming the limit: ${error.message}`);
  assert.ok(Number(cost[1]) > limit, error.message);
  assert.equal(error.extensions?.code, 'QUERY_TOO_COMPLEX');
  assert.equal(error.extensions?.limit, 'complexity');
}

/** Refused for depth: the message names the depth and the limit. */
function assertTooDeep(answer: RawAnswer, depth: number, limit: number): void {
  assert.equal(answer.status, 400, 'a refusal by policy is a 400 whatever the client accepts');
  const error = onlyError(answer);
  assert.equal(error.message, `query is nested ${depth} levels deep; at most ${limit} allowed`);
  assert.equal(error.extensions?.code, 'QUERY_TOO_COMPLEX');
  assert.equal(error.extensions?.limit, 'depth');
}

/** Refused for breadth: the message names the count of selections and the limit. */
function assertTooBroad(answer: RawAnswer, breadth: number, limit: number): void {
  assert.equal(answer.status, 400, 'a refusal by policy is a 400 whatever the client accepts');
  const error = onlyError(answer);
  assert.equal(error.message, `query selects ${breadth} fields (aliases count); at most ${limit} allowed`);
  assert.equal(error.extensions?.code, 'QUERY_TOO_COMPLEX');
  assert.equal(error.extensions?.limit, 'breadth');
}

/** Refused while parsing: HTTP 400 whatever the client accepts, code and limit named. */
function assertRefusedWhileParsing(answer: RawAnswer, limit: string, message: RegExp): void {
  assert.equal(answer.status, 400, answer.text.slice(0, 500));
  const error = onlyError(answer);
  assert.match(error.message, message);
  assert.equal(error.extensions?.code, 'QUERY_TOO_COMPLEX');
  assert.equal(error.extensions?.limit, limit);
}

/** `n` aliases of `__typename`: no resolver at all, and still `n` answers to build. */
const typenameAliases = (n: number) =>
  `{ ${Array.from({ length: n }, (_, i) => `t${i}: __typename`).join(' ')} }`;

/** The Site -> Alert -> Site cycle `cycles` times: 2 levels of selection (and 2 braces) each. */
const deepSites = (cycles: number) =>
  `{ sites(first: 1) { edges { node { ${'alerts { site { '.repeat(cycles)}name${' } }'.repeat(cycles)} } } } }`;

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

  describe('document text, checked while parsing', () => {
    test('a 4,000-deep query is a 400 naming the nesting limit, not a stack overflow', async () => {
      const deep = deepSites(1000);
      assert.ok(deep.split('{').length - 1 > 2000, 'braces nest over 2,000 deep');
      for (const accept of ['application/json', 'application/graphql-response+json']) {
        const answer = await post(h.api.url, h.operator, { query: deep }, { accept });
        assertRefusedWhileParsing(
          answer,
          'nesting',
          /^document nests braces and brackets more than 32 deep \(line 1, column \d+\); at most 32 allowed$/,
        );
      }
    });

    test('a query nested 30 braces deep still parses, and is then held to the depth limit', async () => {
      // 13 cycles: 26 braces of selections plus 4: inside the parser's 32, far over staff's 10 levels.
      assertTooDeep(await q(h.operator, deepSites(13)), 30, 10);
    });

    test('more tokens than allowed are refused, before validation', async () => {
      const query = `{ ${'a '.repeat(DOCUMENT_LIMITS.tokens)}}`;
      assert.ok(query.length < DOCUMENT_LIMITS.characters);
      assertRefusedWhileParsing(await q(h.operator, query), 'tokens', /^document has more than 5000 tokens/);
    });

    test('a megabyte of comments (no tokens) is refused for its length', async () => {
      const query = `# ${'x'.repeat(990_000)}\n{ __typename }`;
      assertRefusedWhileParsing(
        await q(h.operator, query),
        'characters',
        /^document is 990017 characters long; at most 65536 allowed$/,
      );
    });

    test("a syntax error deep in a long document is still the parser's own message", async () => {
      const answer = await post(
        h.api.url,
        h.operator,
        { query: `{ ${'__typename '.repeat(100)}` },
        { accept: 'application/graphql-response+json' },
      );
      assert.equal(answer.status, 400);
      assert.match(onlyError(answer).message, /^Syntax Error: Expected Name, found <EOF>/);
    });

    test('fragment cycles are refused by validation, deep fragment chains by the depth limit', async () => {
      const cycle = await post(
        h.api.url,
        h.operator,
        { query: '{ ...A } fragment A on Query { ...B } fragment B on Query { ...A }' },
        { accept: 'application/graphql-response+json' },
      );
      assert.equal(cycle.status, 400);
      assert.match(onlyError(cycle).message, /^Cannot spread fragment "A" within itself via "B"\.$/);
      // 300 fragments, each one Site -> Alert -> Site deeper: flat text, 600 levels of selections.
      const chain = Array.from(
        { length: 300 },
        (_, i) => `fragment F${i} on Site { alerts { site { ${i < 299 ? `...F${i + 1}` : 'name'} } } }`,
      ).join(' ');
      const deep = await q(h.operator, `{ sites(first: 1) { edges { node { ...F0 } } } } ${chain}`);
      assertTooDeep(deep, 604, 10);
    });
  });

  describe('variables', () => {
    const drain = () =>
      `mutation Drain($ns: String!, $name: String!) { drainSite(namespace: $ns, name: $name) { __typename } }`;

    test('variables nested deeper than allowed are refused with where, and the mutation does not run', async () => {
      let deep: unknown = 'bottom';
      for (let i = 0; i < VARIABLE_LIMITS.nesting + 5; i++) {
        deep = { inner: deep };
      }
      const answer = await q(h.operator, drain(), { ns: h.namespace, name: site.metadata.name, extra: deep });
      assert.equal(answer.status, 400, answer.text);
      const error = onlyError(answer);
      assert.match(
        error.message,
        /^variables nest more than 32 deep \(at \$extra(\.inner)+\); at most 32 allowed$/,
      );
      assert.equal(error.extensions?.limit, 'variables');
      const now = h.api.view.get<Site>('Site', h.namespace, site.metadata.name);
      assert.notEqual(now?.spec.lifecycle, 'Draining', 'the mutation did not run');
    });

    test('more variable values than allowed are refused', async () => {
      const many = Array.from({ length: VARIABLE_LIMITS.values + 1 }, (_, i) => i);
      const error = onlyError(await q(h.operator, '{ __typename }', { many }));
      assert.equal(error.message, 'variables hold more than 10000 values; at most 10000 allowed');
    });
  });

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
      assertTooDeep(answer, 12, 10);
      assert.equal(answer.body?.data, undefined);
    });

    test('a partner is held to 7 levels, checked before any field is authorized', async () => {
      assertAnswered(await q(h.operator, overPartnerLimit));
      // Not FORBIDDEN for Site.placement: the shape is refused before any resolver runs.
      assertTooDeep(await q(partner, overPartnerLimit), 8, 7);
    });
  });

  describe('breadth, aliases counted', () => {
    test('5,000 aliases of __typename are refused (they reach no resolver, so nothing else checked them)', async () => {
      // 89 kB and 15,000 tokens: refused while parsing, before validation walks them.
      const all = await q(h.operator, typenameAliases(5000));
      assertRefusedWhileParsing(all, 'characters', /^document is 88893 characters long/);
      const fewer = await q(h.operator, typenameAliases(2000));
      assertRefusedWhileParsing(fewer, 'tokens', /^document has more than 5000 tokens/);
    });

    test('250 aliases of __typename are over the staff breadth limit of 200; 150 pass', async () => {
      assertTooBroad(await q(h.operator, typenameAliases(250)), 250, 200);
      const fine = await q(h.operator, typenameAliases(150));
      assertAnswered(fine);
      assert.equal(fine.body?.data.t149, 'Query');
    });

    test('aliases of one field on every row count once each, for a partner against its 80', async () => {
      const aliases = Array.from({ length: 40 }, (_, i) => `n${i}: name`).join(' ');
      // sites, edges, node, 40 aliases, the tenant and its 40 aliases: 3 + 40 + 1 + 40 = 84.
      const query = `{ sites(first: 1) { edges { node { ${aliases} tenant { ${aliases.replaceAll('name', 'namespace')} } } } } }`;
      assertAnswered(await q(h.operator, query));
      assertTooBroad(await q(partner, query), 84, 80);
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
});
