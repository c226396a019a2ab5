/**
 * The map's one read over a real hub: staff get every site as lined-up columns whose ids open
 * the same sites through node(id:), a filter narrows them as the site list's does, a partner
 * gets its own tenant's sites only whatever it asks for, and a key without sites:read or a
 * caller without credentials gets nothing.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { listAll } from '@smart-fleet/kube';
import type { Site } from '@smart-fleet/model';
import { type ApiHarness, apiHarness } from '../../../../test/support/api-server.ts';

let h: ApiHarness;
let sites: Site[];

before(async () => {
  h = await apiHarness({ sites: 300, prefix: 'api-points' });
  sites = (await listAll(h.hub.client, 'Site', h.namespace)) as unknown as Site[];
});
after(() => h?.stop());

const POINTS = `query Points($filter: SiteFilter) {
  sitePoints(filter: $filter) { totalCount ids names phases latitudes longitudes }
}`;

interface Points {
  totalCount: number;
  ids: string[];
  names: string[];
  phases: string[];
  latitudes: number[];
  longitudes: number[];
}

const namesOf = (list: Site[]) => list.map((s) => s.metadata.name).sort();

test('staff get every site as columns, each id the site node(id:) opens', async () => {
  const answer = await h.gql(h.noc, POINTS);
  assert.equal(answer.errors, undefined, JSON.stringify(answer.errors));
  const points = answer.data.sitePoints as Points;
  assert.equal(points.totalCount, sites.length);
  assert.deepEqual([...points.names].sort(), namesOf(sites));
  for (const list of [points.ids, points.phases, points.latitudes, points.longitudes]) {
    assert.equal(list.length, sites.length);
  }
  const at = points.names.indexOf(sites[0]?.metadata.name ?? '');
  const opened = await h.gql(
    h.noc,
    'query One($id: ID!) { node(id: $id) { ... on Site { name spec { location { latitude } } } } }',
    { id: points.ids[at] },
  );
  assert.equal(opened.data.node.name, sites[0]?.metadata.name);
  assert.ok(Math.abs(opened.data.node.spec.location.latitude - (points.latitudes[at] ?? 0)) < 1e-5);
  assert.ok(
    points.phases.every((p) => /^[A-Z_]+$/.test(p)),
    'phases are the API enum',
  );
});

test('a filter narrows the points as it narrows the site list', async () => {
  const region = sites[0]?.spec.location.region ?? '';
  const filter = { regions: [region.toUpperCase().replace(/-/g, '_')], kinds: ['SCHOOL'] };
  const points = (await h.gql(h.operator, POINTS, { filter })).data.sitePoints as Points;
  const expected = sites.filter((s) => s.spec.location.region === region && s.spec.kind === 'school');
  assert.ok(expected.length > 0, 'the fixture has schools in the region');
  assert.equal(points.totalCount, expected.length);
  assert.deepEqual([...points.names].sort(), namesOf(expected));
});

test("a partner gets its own tenant's sites only, even when it asks for another's", async () => {
  const tenant = sites[0]?.spec.tenant ?? '';
  const other = sites.find((s) => s.spec.tenant !== tenant)?.spec.tenant ?? '';
  assert.ok(other, 'the fixture has two tenants');
  const partner = await h.partnerKey(tenant, ['sites:read']);
  const own = (await h.gql(partner, POINTS)).data.sitePoints as Points;
  assert.deepEqual([...own.names].sort(), namesOf(sites.filter((s) => s.spec.tenant === tenant)));
  const asked = (await h.gql(partner, POINTS, { filter: { tenants: [other] } })).data.sitePoints as Points;
  assert.deepEqual([asked.totalCount, asked.names], [0, []]);
});

test('a key without sites:read, and a caller without credentials, read no points', async () => {
  const contentOnly = await h.partnerKey(sites[0]?.spec.tenant ?? '', ['content:read']);
  const refused = await h.gql(contentOnly, POINTS);
  assert.equal(refused.data?.sitePoints ?? null, null);
  assert.equal(refused.errors?.[0]?.extensions?.code, 'FORBIDDEN', JSON.stringify(refused.errors));
  const anonymous = await h.gql({}, POINTS);
  assert.equal(anonymous.status, 401);
});
