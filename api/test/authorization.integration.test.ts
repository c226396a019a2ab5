/**
 * The authorization matrix against a real hub: every role against every query and mutation,
 * partner-hidden fields, telemetry behind `telemetry:read`, and a partner reaching for another
 * tenant's site every way there is.
 * A mutation allowed to a role is sent with a target that does not exist, so passing the
 * authorization check shows as a typed NotFoundError and nothing is written (issueEntitlement:
 * this API has no signing key, so as a NotConfiguredError).
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { listAll, waitFor } from '@smart-fleet/kube';
import { type Site, type SiteTelemetry, TELEMETRY_FIELDS, TELEMETRY_METRICS } from '@smart-fleet/model';
import {
  type ApiHarness,
  apiHarness,
  type Caller,
  type GraphqlAnswer,
  writeSiteStatus,
} from '../../test/support/api-server.ts';
import { testPrometheus } from '../../test/support/test-prometheus.ts';

let h: ApiHarness;
let sites: Site[];
let tenantA: string;
let tenantB: string;
const callers: Record<string, Caller> = {};

before(async () => {
  h = await apiHarness({ sites: 40, prefix: 'api-authz' });
  sites = (await listAll(h.hub.client, 'Site', h.namespace)) as unknown as Site[];
  const tenants = [...new Set(sites.map((s) => s.spec.tenant))].sort();
  assert.ok(tenants.length >= 2, 'the fixture has sites of two tenants');
  [tenantA = '', tenantB = ''] = tenants;
  await reportedHealthy(siteOf(tenantA));
  Object.assign(callers, {
    operator: h.operator,
    noc: h.noc,
    partner: await h.partnerKey(tenantA, ['sites:read', 'content:read', 'telemetry:read']),
    contentPartner: await h.partnerKey(tenantA, ['content:read']),
    sitesOnlyPartner: await h.partnerKey(tenantA, ['sites:read']),
  });
});
after(() => h?.stop());

type Role = 'operator' | 'noc' | 'partner' | 'contentPartner' | 'sitesOnlyPartner';
const ROLES: Role[] = ['operator', 'noc', 'partner', 'contentPartner'];
const STAFF: Role[] = ['operator', 'noc'];

interface Case {
  name: string;
  query: string;
  allowed: Role[];
  /** How an allowed call is refused as data; NotFoundError unless given. */
  refusedAs?: string;
}

const ns = () => h.namespace;
const QUERIES: (() => Case)[] = [
  () => ({
    name: 'sites',
    query: '{ sites(first: 2) { totalCount } }',
    allowed: ['operator', 'noc', 'partner'],
  }),
  () => ({
    name: 'site',
    query: `{ site(namespace: "${ns()}", name: "${siteOf(tenantA).metadata.name}") { name } }`,
    allowed: ['operator', 'noc', 'partner'],
  }),
  () => ({
    name: 'fleetSummary',
    query: '{ fleetSummary { sites } }',
    allowed: ['operator', 'noc', 'partner'],
  }),
  () => ({ name: 'tenants', query: '{ tenants { totalCount } }', allowed: ROLES }),
  () => ({
    name: 'contentTitles',
    query: '{ contentTitles { totalCount } }',
    allowed: ['operator', 'noc', 'partner', 'contentPartner'],
  }),
  () => ({ name: 'wideAreaClusters', query: '{ wideAreaClusters { totalCount } }', allowed: STAFF }),
  () => ({ name: 'siteReleases', query: '{ siteReleases { totalCount } }', allowed: STAFF }),
  () => ({ name: 'rollouts', query: '{ rollouts { totalCount } }', allowed: STAFF }),
  () => ({ name: 'drmPolicies', query: '{ drmPolicies { totalCount } }', allowed: STAFF }),
  () => ({ name: 'alerts', query: '{ alerts { totalCount } }', allowed: STAFF }),
  () => ({ name: 'regionSeries', query: '{ regionSeries { sites } }', allowed: STAFF }),
  () => ({ name: 'apiKeys', query: '{ apiKeys { keyId } }', allowed: ['operator'] }),
];

const missing = 'no-such-site';
const MUTATIONS: (() => Case)[] = [
  () => ({
    name: 'updateSite',
    query: `mutation { updateSite(namespace: "${ns()}", name: "${missing}", spec: ${siteSpecLiteral()}) { __typename } }`,
    allowed: ['operator'],
  }),
  () => ({
    name: 'drainSite',
    query: `mutation { drainSite(namespace: "${ns()}", name: "${missing}") { __typename } }`,
    allowed: STAFF,
  }),
  () => ({
    name: 'decommissionSite',
    query: `mutation { decommissionSite(namespace: "${ns()}", name: "${missing}") { __typename } }`,
    allowed: ['operator'],
  }),
  ...(['pauseRollout', 'resumeRollout', 'abortRollout'] as const).map((m) => () => ({
    name: m,
    query: `mutation { ${m}(namespace: "${ns()}", name: "no-such-rollout") { __typename } }`,
    allowed: ['operator'] as Role[],
  })),
  ...(['placeContent', 'unplaceContent'] as const).map((m) => () => ({
    name: m,
    query: `mutation { ${m}(namespace: "${ns()}", name: "${missing}", title: "no-such-title") { __typename } }`,
    allowed: ['operator'] as Role[],
  })),
  () => ({
    name: 'acknowledgeAlert',
    query: `mutation { acknowledgeAlert(alertId: "Site/${ns()}/${missing}/SiteOffline@2026-01-01T00:00:00Z") { __typename } }`,
    allowed: STAFF,
  }),
  () => ({
    name: 'revokePartnerApiKey',
    query: 'mutation { revokePartnerApiKey(keyId: "000000000000") { __typename } }',
    allowed: ['operator'],
  }),
  // Read scopes do not let a partner issue: that takes entitlements:issue (entitlements.integration.test.ts).
  () => ({
    name: 'issueEntitlement',
    query: `mutation { issueEntitlement(namespace: "${ns()}", title: "no-such-title", site: "${missing}", subscriber: "s-1") { __typename } }`,
    allowed: ['operator'],
    refusedAs: 'NotConfiguredError',
  }),
];

/** What the health controller would write for a site it hears from: a phase and conditions. */
async function reportedHealthy(site: Site): Promise<void> {
  const { name, namespace = '' } = site.metadata;
  await writeSiteStatus(h.hub.client, namespace, name, {
    phase: 'Ready',
    conditions: [
      {
        type: 'Reachable',
        status: 'True',
        reason: 'HeartbeatReceived',
        message: 'ok',
        lastTransitionTime: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
      },
    ],
  });
  await waitFor(async () => h.api.view.sites.get(`${namespace}/${name}`)?.status?.phase === 'Ready', {
    timeoutMs: 10000,
    what: 'the view to see the status',
  });
}

function siteOf(tenant: string): Site {
  const site = sites.find((s) => s.spec.tenant === tenant);
  assert.ok(site);
  return site;
}

/** A valid site spec as a GraphQL literal: the first fixture site's, re-serialised. */
function siteSpecLiteral(): string {
  const spec = siteOf(tenantA).spec;
  const literal = (v: unknown, key = ''): string => {
    if (Array.isArray(v)) {
      return `[${v.map((x) => literal(x, key)).join(', ')}]`;
    }
    if (typeof v === 'object' && v !== null) {
      return `{ ${Object.entries(v)
        .map(([k, x]) => `${k}: ${literal(x, k)}`)
        .join(', ')} }`;
    }
    const enumKeys = ['kind', 'region', 'configuration', 'releaseChannel', 'lifecycle', 'days'];
    return typeof v === 'string' && enumKeys.includes(key)
      ? v.toUpperCase().replace(/[^A-Z0-9]+/g, '_')
      : JSON.stringify(v);
  };
  return literal(spec);
}

const forbidden = (a: GraphqlAnswer) => a.errors?.some((e) => e.extensions?.code === 'FORBIDDEN') ?? false;

describe('every role against every query', () => {
  for (const make of QUERIES) {
    test(make.toString().match(/name: '(\w+)'/)?.[1] ?? 'query', async () => {
      const c = make();
      for (const role of ROLES) {
        const answer = await h.gql(callers[role] as Caller, c.query);
        const allowed = c.allowed.includes(role);
        assert.equal(forbidden(answer), !allowed, `${role} ${c.name}: ${JSON.stringify(answer.errors)}`);
        if (allowed) {
          assert.equal(answer.errors, undefined, `${role} ${c.name}: ${JSON.stringify(answer.errors)}`);
        }
      }
    });
  }
});

describe('every role against every mutation', () => {
  for (const make of MUTATIONS) {
    test(make.toString().match(/name: '(\w+)'|name: m/)?.[0] ?? 'mutation', async () => {
      const c = make();
      for (const role of ROLES) {
        const answer = await h.gql(callers[role] as Caller, c.query);
        const allowed = c.allowed.includes(role);
        assert.equal(forbidden(answer), !allowed, `${role} ${c.name}: ${JSON.stringify(answer)}`);
        if (allowed) {
          // Authorized: the request reached the write path and was refused as data.
          assert.equal(answer.errors, undefined, `${role} ${c.name}: ${JSON.stringify(answer.errors)}`);
          assert.equal(answer.data[c.name].__typename, c.refusedAs ?? 'NotFoundError', `${role} ${c.name}`);
        } else {
          assert.equal(answer.data?.[c.name] ?? null, null);
          assert.equal(answer.errors?.[0]?.message, `not authorized to run ${c.name}`, `${role} ${c.name}`);
        }
      }
    });
  }

  test('registerSite, createRelease, startRollout and createPartnerApiKey: operators only', async () => {
    const calls = [
      `mutation { registerSite(namespace: "${ns()}", name: "authz-new", spec: ${siteSpecLiteral()}) { __typename } }`,
      `mutation { createPartnerApiKey(tenant: "${tenantA}", name: "x", scopes: [SITES_READ]) { __typename } }`,
    ];
    for (const role of ['noc', 'partner', 'contentPartner'] as Role[]) {
      for (const query of calls) {
        const answer = await h.gql(callers[role] as Caller, query);
        assert.ok(forbidden(answer), `${role}: ${query.slice(0, 40)}`);
      }
    }
    const before = await listAll(h.hub.client, 'Site', h.namespace);
    assert.equal(before.length, 40, 'nothing was registered');
    assert.equal(h.api.apiKeys.list(tenantA).length, 3, 'no key was issued beyond the three made here');
  });
});

describe('a partner and other tenants', () => {
  test("another tenant's site is invisible by name, by id, through a filter and in a page", async () => {
    const other = siteOf(tenantB);
    const staffView = await h.gql(
      h.operator,
      `{ site(namespace: "${ns()}", name: "${other.metadata.name}") { id } }`,
    );
    const id = staffView.data.site.id;
    const partner = callers.partner as Caller;
    const byName = await h.gql(
      partner,
      `{ site(namespace: "${ns()}", name: "${other.metadata.name}") { name } }`,
    );
    assert.equal(byName.data.site, null);
    const byId = await h.gql(partner, `query($id: ID!) { node(id: $id) { id } }`, { id });
    assert.equal(byId.data.node, null);
    const filtered = await h.gql(partner, `{ sites(filter: { tenants: ["${tenantB}"] }) { totalCount } }`);
    assert.equal(filtered.errors, undefined, JSON.stringify(filtered.errors));
    assert.equal(filtered.data.sites.totalCount, 0);
    const all = await h.gql(
      partner,
      '{ sites(first: 500) { totalCount edges { node { spec { tenant } } } } }',
    );
    assert.equal(all.errors, undefined, JSON.stringify(all.errors));
    const own = sites.filter((s) => s.spec.tenant === tenantA).length;
    assert.equal(all.data.sites.totalCount, own);
    assert.ok(
      all.data.sites.edges.every(
        (e: { node: { spec: { tenant: string } } }) => e.node.spec.tenant === tenantA,
      ),
    );
    const summary = await h.gql(partner, '{ fleetSummary { sites } }');
    assert.equal(summary.data.fleetSummary.sites, own);
  });

  test('on its own sites a partner still cannot read staff-only fields', async () => {
    const partner = callers.partner as Caller;
    const name = siteOf(tenantA).metadata.name;
    for (const selection of [
      'spec { parentCluster }',
      'cluster { name }',
      'status { conditions { type } }',
      'alerts { id }',
    ]) {
      const answer = await h.gql(
        partner,
        `{ site(namespace: "${ns()}", name: "${name}") { name ${selection} } }`,
      );
      assert.ok(forbidden(answer), `${selection}: ${JSON.stringify(answer)}`);
    }
    const fine = await h.gql(
      partner,
      `{ site(namespace: "${ns()}", name: "${name}") { name phase spec { subscriberCap location { region } } } }`,
    );
    assert.equal(fine.errors, undefined);
    assert.equal(fine.data.site.name, name);
  });

  test('requests without credentials, or with bad ones, are refused before any GraphQL runs', async () => {
    for (const caller of [{}, { bearer: 'not-a-jwt' }, { apiKey: 'sfk_000000000000_nope' }] as Caller[]) {
      const answer = await h.gql(caller, '{ tenants { totalCount } }');
      assert.equal(answer.status, 401, JSON.stringify(answer));
      assert.equal(answer.data, undefined);
    }
  });
});

describe('telemetry needs the telemetry:read scope', () => {
  const TELEMETRY: SiteTelemetry = {
    activeStreams: 137,
    egressMbps: 412.5,
    cacheHitRatio: 0.93,
    storageUsedGB: 640,
    acceleratorsHealthy: 2,
    drmDenials: 0,
    admissionRefusals: 3,
    errors: 1,
  };
  let name: string;

  const target = `api-authz-telemetry-${process.pid}`;
  let exporter: Server | undefined;

  before(async () => {
    // Not siteOf(tenantA), whose reported health the other tests read.
    const site = sites.filter((s) => s.spec.tenant === tenantA)[1];
    assert.ok(site, 'the fixture has two sites of one tenant');
    name = site.metadata.name;
    // The site's sample exported under the operators' metric names, scraped by the real Prometheus
    // the API reads: the API's feed pulls it into the view like any reported telemetry.
    const labels = `namespace="${ns()}",site="${name}",region="${site.spec.location.region}",tenant="${tenantA}"`;
    const body = TELEMETRY_FIELDS.map((f) => `${TELEMETRY_METRICS[f]}{${labels}} ${TELEMETRY[f]}`).join('\n');
    exporter = createServer((_req, res) =>
      res.writeHead(200, { 'content-type': 'text/plain' }).end(`${body}\n`),
    );
    await new Promise<void>((resolve) => exporter?.listen(0, '127.0.0.1', resolve));
    const address = exporter.address();
    const prometheus = await testPrometheus();
    prometheus.scrape(
      target,
      `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`,
    );
    await waitFor(async () => h.api.view.telemetry(`${ns()}/${name}`)?.activeStreams === 137, {
      timeoutMs: 30000,
      what: 'the view to see the telemetry from Prometheus',
    });
  });
  after(async () => {
    (await testPrometheus()).unscrape(target);
    await new Promise((resolve) => exporter?.close(resolve));
  });

  const onSite = (selection: string) =>
    `{ site(namespace: "${ns()}", name: "${name}") { name ${selection} } }`;
  const telemetryReads = () => [
    onSite('telemetry { activeStreams }'),
    onSite('telemetrySeries { at egressMbps }'),
    '{ fleetSummary { activeStreams } }',
    '{ fleetSummary { egressMbps } }',
    '{ fleetSummary { utilization } }',
    '{ fleetSummary { saturatedSites } }',
    '{ fleetSummary { byRegion { region activeStreams egressMbps utilization } } }',
    '{ sites(first: 5, sort: { field: ACTIVE_STREAMS, direction: DESC }) { totalCount } }',
  ];

  test('a partner key without it reads its sites and capacity, never what they reported', async () => {
    const partner = callers.sitesOnlyPartner as Caller;
    for (const query of telemetryReads()) {
      const answer = await h.gql(partner, query);
      assert.ok(forbidden(answer), `${query}: ${JSON.stringify(answer)}`);
    }
    const latest = await h.gql(partner, onSite('telemetry { activeStreams }'));
    assert.equal(latest.errors?.[0]?.message, 'not authorized to read Site.telemetry');
    const series = await h.gql(partner, onSite('telemetrySeries { at }'));
    assert.equal(series.errors?.[0]?.message, 'not authorized to read Site.telemetrySeries');
    const sorted = await h.gql(partner, telemetryReads()[7] as string);
    assert.equal(
      sorted.errors?.[0]?.message,
      'sorting by ACTIVE_STREAMS needs an API key with the telemetry:read scope',
    );
    const capacity = await h.gql(
      partner,
      '{ fleetSummary { sites egressCapacityMbps subscriberCapacity byRegion { region sites egressCapacityMbps } } }',
    );
    assert.equal(capacity.errors, undefined, JSON.stringify(capacity.errors));
    assert.ok(capacity.data.fleetSummary.sites > 0);
  });

  test('a partner key with it reads the telemetry of its own sites', async () => {
    const partner = callers.partner as Caller;
    for (const query of telemetryReads()) {
      const answer = await h.gql(partner, query);
      assert.equal(answer.errors, undefined, `${query}: ${JSON.stringify(answer.errors)}`);
    }
    const latest = await h.gql(partner, onSite('telemetry { activeStreams egressMbps }'));
    assert.deepEqual(latest.data.site.telemetry, { activeStreams: 137, egressMbps: 412.5 });
    const summary = await h.gql(partner, '{ fleetSummary { activeStreams } }');
    assert.equal(summary.data.fleetSummary.activeStreams, 137, 'only its own sites are summed');
  });

  test("region series stay staff-only, scope or not: they sum every tenant's sites", async () => {
    const answer = await h.gql(callers.partner as Caller, '{ regionSeries { sites activeStreams } }');
    assert.ok(forbidden(answer), JSON.stringify(answer));
  });
});
