/**
 * Reads over a few thousand sites in a real hub: every page visited once in order, filters and
 * sorts agree with a brute-force answer computed from the API server's own list, the summary
 * adds up, and node(id) finds what a connection returned.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { listAll } from '@smart-fleet/kube';
import type { Site } from '@smart-fleet/model';
import { type ApiHarness, apiHarness } from '../../test/support/api-server.ts';

let h: ApiHarness;
let sites: Site[];

before(async () => {
  h = await apiHarness({ sites: 2000, prefix: 'api-read' });
  sites = (await listAll(h.hub.client, 'Site', h.namespace)) as unknown as Site[];
});
after(() => h?.stop());

const PAGE = `query Page($first: Int, $after: String, $last: Int, $before: String, $filter: SiteFilter, $sort: SiteSort) {
  sites(first: $first, after: $after, last: $last, before: $before, filter: $filter, sort: $sort) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { id name spec { subscriberCap location { region } kind tenant } } }
  }
}`;

async function walk(variables: Record<string, unknown>, pageSize = 200) {
  const names: string[] = [];
  let after: string | undefined;
  for (let i = 0; i < 50; i++) {
    const answer = await h.gql(h.operator, PAGE, { ...variables, first: pageSize, after });
    assert.equal(answer.errors, undefined, JSON.stringify(answer.errors));
    const page = answer.data.sites;
    names.push(...page.edges.map((e: { node: { name: string } }) => e.node.name));
    if (!page.pageInfo.hasNextPage) {
      return { names, totalCount: page.totalCount as number };
    }
    after = page.pageInfo.endCursor;
  }
  throw new Error('more than 50 pages');
}

test('paging forward visits every site exactly once, in name order', async () => {
  assert.equal(sites.length, 2000);
  const { names, totalCount } = await walk({});
  assert.equal(totalCount, 2000);
  assert.deepEqual(names, sites.map((s) => s.metadata.name).sort());
});

test('a region and kind filter with a sort agrees with a brute-force answer', async () => {
  const region = sites[0]?.spec.location.region ?? 'seoul';
  const expected = sites
    .filter((s) => s.spec.location.region === region && s.spec.kind === 'school')
    .sort(
      (a, b) => b.spec.subscriberCap - a.spec.subscriberCap || a.metadata.name.localeCompare(b.metadata.name),
    )
    .map((s) => s.spec.subscriberCap);
  const { names, totalCount } = await walk(
    {
      filter: { regions: [region.toUpperCase().replace(/-/g, '_')], kinds: ['SCHOOL'] },
      sort: { field: 'SUBSCRIBER_CAP', direction: 'DESC' },
    },
    25,
  );
  assert.equal(totalCount, expected.length);
  assert.ok(expected.length > 10, 'the fixture has schools in the region');
  const caps = names.map((n) => sites.find((s) => s.metadata.name === n)?.spec.subscriberCap);
  assert.deepEqual(caps, expected);
});

test('paging backward from the end gives the same sites in the same order', async () => {
  const filter = { tenants: [sites[0]?.spec.tenant] };
  const forward = (await walk({ filter })).names;
  const backward: string[] = [];
  let before: string | undefined;
  for (let i = 0; i < 50; i++) {
    const answer = await h.gql(h.operator, PAGE, { filter, last: 100, before });
    const page = answer.data.sites;
    backward.unshift(...page.edges.map((e: { node: { name: string } }) => e.node.name));
    if (!page.pageInfo.hasPreviousPage) {
      break;
    }
    before = page.pageInfo.startCursor;
  }
  assert.deepEqual(backward, forward);
});

test('text search, a bad cursor and an oversized page', async () => {
  const target = sites[123] as Site;
  const found = await h.gql(h.operator, PAGE, {
    filter: { text: target.metadata.name.toUpperCase() },
    first: 5,
  });
  assert.ok(
    found.data.sites.edges.some((e: { node: { name: string } }) => e.node.name === target.metadata.name),
  );
  const badCursor = await h.gql(h.operator, PAGE, { first: 5, after: 'not-a-cursor' });
  assert.match(badCursor.errors?.[0]?.message ?? '', /cursor/);
  assert.equal(badCursor.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT');
  const tooBig = await h.gql(h.operator, PAGE, { first: 501 });
  assert.match(tooBig.errors?.[0]?.message ?? '', /500/);
});

test('the fleet summary adds up to the sites in the hub', async () => {
  const answer = await h.gql(
    h.operator,
    `{ fleetSummary(namespace: "${h.namespace}") { sites egressCapacityMbps subscriberCapacity byPhase { phase count } byRegion { region sites } byKind { kind count } } }`,
  );
  assert.equal(answer.errors, undefined, JSON.stringify(answer.errors));
  const summary = answer.data.fleetSummary;
  assert.equal(summary.sites, 2000);
  assert.equal(
    summary.egressCapacityMbps,
    sites.reduce((sum, s) => sum + s.spec.streaming.egressBudgetMbps, 0),
  );
  assert.equal(
    summary.subscriberCapacity,
    sites.reduce((sum, s) => sum + s.spec.subscriberCap, 0),
  );
  const byRegion = new Map<string, number>();
  for (const s of sites) {
    byRegion.set(s.spec.location.region, (byRegion.get(s.spec.location.region) ?? 0) + 1);
  }
  assert.deepEqual(
    Object.fromEntries(summary.byRegion.map((r: { region: string; sites: number }) => [r.region, r.sites])),
    Object.fromEntries([...byRegion].sort()),
  );
  assert.equal(
    summary.byPhase.reduce((sum: number, p: { count: number }) => sum + p.count, 0),
    2000,
  );
});

test('node(id) finds the site a connection returned; clusters, tenants and their links resolve', async () => {
  const first = await h.gql(h.operator, PAGE, { first: 1 });
  const node = first.data.sites.edges[0].node;
  const byId = await h.gql(
    h.operator,
    `query($id: ID!) { node(id: $id) { id ... on Site { name cluster { name spec { regions } } tenant { name spec { displayName } } } } }`,
    { id: node.id },
  );
  assert.equal(byId.errors, undefined, JSON.stringify(byId.errors));
  assert.equal(byId.data.node.name, node.name);
  assert.ok(byId.data.node.cluster.spec.regions.includes(node.spec.location.region));
  assert.equal(byId.data.node.tenant.name, node.spec.tenant);
  const lists = await h.gql(
    h.operator,
    `{ wideAreaClusters(namespace: "${h.namespace}") { totalCount edges { node { name } } } tenants { totalCount } }`,
  );
  assert.equal(lists.data.wideAreaClusters.totalCount, 6);
  assert.ok(lists.data.tenants.totalCount >= 4);
});
