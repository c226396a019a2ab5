/**
 * issueEntitlement against a real hub: the token an operator gets verifies with the hub's public
 * key and carries the title's owner and packaged key ids; partners (through the shipped
 * persisted operation, as npm start holds them) issue only for their own titles at their own
 * sites, and another tenant's title or site answers exactly as one that does not exist; every
 * other refusal is typed and names what is wrong, including an API with no signing key.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { startApiServer } from '@smart-fleet/api';
import { listAll, serverSideApply, waitFor } from '@smart-fleet/kube';
import { contentTitleKind, GROUP_VERSION, type PackagingStatus, type Site } from '@smart-fleet/model';
import {
  type EntitlementSigner,
  entitlementKeys,
  generateEntitlementSigner,
  publicKeySet,
  verifyEntitlement,
} from '@smart-fleet/services';
import { getOperationAST, parse } from 'graphql';
import { type ApiHarness, apiHarness, type Caller } from '../../test/support/api-server.ts';
import { readPartnerOperations } from '../src/persisted-operations.ts';
import { post } from './http-answers.ts';

const ISSUE = `mutation($namespace: String!, $title: String!, $site: String!, $subscriber: String!, $ttlSeconds: Int) {
  issueEntitlement(namespace: $namespace, title: $title, site: $site, subscriber: $subscriber, ttlSeconds: $ttlSeconds) {
    __typename
    ... on MutationIssueEntitlementSuccess { data { token tokenId expiresAt namespace tenant title site subscriber keyIds } }
    ... on Error { message }
    ... on ValidationError { issues { field message } }
    ... on NotFoundError { kind target }
    ... on NotConfiguredError { feature }
  }
}`;

const shipped = readPartnerOperations();
const partnerIssueHash = Object.entries(shipped).find(
  ([, document]) => getOperationAST(parse(document))?.name?.value === 'PartnerIssueEntitlement',
)?.[0];

let h: ApiHarness;
let signer: EntitlementSigner;
/** The partner's tenant: owns `ownSite`, `spareSite` and the titles `own` and `raw`. */
let tenant: string;
let ownSite: Site;
let spareSite: Site;
let otherSite: Site;
const keyIds = [randomUUID(), randomUUID()].sort();

function packaging(ids: string[]): PackagingStatus {
  return {
    packagedAt: '2026-12-01T09:00:00Z',
    formats: ['hls', 'dash'],
    durationSeconds: 60,
    segmentSeconds: 4,
    keyIds: ids,
    renditions: [
      {
        name: 'hd-8m',
        codec: 'H.264',
        width: 1920,
        height: 1080,
        measuredMbps: 7.9,
        sizeMB: 60,
        segments: 15,
      },
    ],
  };
}

/** A title owned by `owner`, packaged when `ids` are given, once the API's view has it as written. */
async function title(name: string, owner: string, ids?: string[]): Promise<void> {
  const { client } = h.hub;
  await serverSideApply(
    client,
    {
      apiVersion: GROUP_VERSION,
      kind: 'ContentTitle',
      metadata: { name, namespace: h.namespace },
      spec: {
        owner,
        mpeg7: { title: name, genre: ['documentary'], creators: [], language: 'ko', durationSeconds: 60 },
        renditions: [{ name: 'hd-8m', codec: 'H.264', bitrateMbps: 8, sizeMB: 60 }],
      },
    } as never,
    { fieldManager: 'entitlements-test' },
  );
  if (ids) {
    const where = {
      group: GROUP_VERSION.split('/')[0] as string,
      version: GROUP_VERSION.split('/')[1] as string,
      plural: contentTitleKind.plural,
      namespace: h.namespace,
      name,
    };
    const current = (await client.custom.getNamespacedCustomObject(where)) as Record<string, unknown>;
    await client.custom.replaceNamespacedCustomObjectStatus({
      ...where,
      body: { ...current, status: { packaging: packaging(ids) } },
    });
  }
  await waitFor(
    async () => {
      const seen = h.api.view.get<{ status?: { packaging?: unknown } }>('ContentTitle', h.namespace, name);
      return seen && (ids === undefined || seen.status?.packaging !== undefined);
    },
    { what: `the API's view to hold title ${name}`, timeoutMs: 10_000, intervalMs: 20 },
  );
}

before(async () => {
  signer = await generateEntitlementSigner('api-test-1');
  h = await apiHarness({
    sites: 8,
    prefix: 'api-entitle',
    serverOptions: { entitlements: { signer }, partnerOperations: shipped },
  });
  const sites = (await listAll(h.hub.client, 'Site', h.namespace)) as unknown as Site[];
  const byTenant = new Map<string, Site[]>();
  for (const site of sites) {
    byTenant.set(site.spec.tenant, [...(byTenant.get(site.spec.tenant) ?? []), site]);
  }
  const [mine] = [...byTenant.entries()].sort((a, b) => b[1].length - a[1].length);
  assert.ok(mine && mine[1].length >= 2, 'the fixture has a tenant with two sites');
  tenant = mine[0];
  [ownSite, spareSite] = mine[1] as [Site, Site];
  const other = sites.find((s) => s.spec.tenant !== tenant);
  assert.ok(other, 'the fixture has sites of two tenants');
  otherSite = other;
  await Promise.all([
    title('own', tenant, keyIds),
    title('raw', tenant),
    title('theirs', otherSite.spec.tenant, [randomUUID()]),
  ]);
});
after(() => h?.stop());

const args = (over: Record<string, unknown> = {}) => ({
  namespace: h.namespace,
  title: 'own',
  site: ownSite.metadata.name,
  subscriber: 'household-0042@apt.example',
  ...over,
});

async function issue(caller: Caller, over: Record<string, unknown> = {}) {
  const answer = await h.gql(caller, ISSUE, args(over));
  assert.equal(answer.errors, undefined, JSON.stringify(answer.errors));
  return answer.data.issueEntitlement;
}

/** A partner runs the shipped operation by its id, as npm start and the hub stack hold partners to. */
async function partnerIssue(caller: Caller, over: Record<string, unknown> = {}) {
  assert.ok(partnerIssueHash, 'the shipped allow-list holds PartnerIssueEntitlement');
  const answer = await post(h.api.url, caller, {
    variables: args(over),
    extensions: { persistedQuery: { version: 1, sha256Hash: partnerIssueHash } },
  });
  return answer;
}

async function verify(token: string, expected: { site: string; tenant: string; title: string }) {
  return verifyEntitlement(token, entitlementKeys(publicKeySet([signer])), {
    now: new Date(),
    ...expected,
    kids: keyIds,
  });
}

describe('operators', () => {
  test('get a token that verifies, for the title owner, with the packaged key ids, living ttlSeconds', async () => {
    const before = Math.floor(Date.now() / 1000);
    const result = await issue(h.operator, { ttlSeconds: 120 });
    assert.equal(result.__typename, 'MutationIssueEntitlementSuccess', JSON.stringify(result));
    const issued = result.data;
    const verdict = await verify(issued.token, { site: ownSite.metadata.name, tenant, title: 'own' });
    assert.ok(verdict.ok, JSON.stringify(verdict));
    const { claims } = verdict;
    assert.equal(claims.tenant, tenant);
    assert.equal(claims.title, 'own');
    assert.equal(claims.site, ownSite.metadata.name);
    assert.equal(claims.sub, 'household-0042@apt.example');
    assert.deepEqual([...claims.kids].sort(), keyIds);
    assert.equal(claims.jti, issued.tokenId);
    assert.equal(claims.exp - claims.iat, 120);
    assert.ok(claims.iat >= before && claims.iat <= Math.floor(Date.now() / 1000), 'issued now');
    assert.equal(Date.parse(issued.expiresAt), claims.exp * 1000);
    assert.deepEqual(
      { ...issued, token: undefined, tokenId: undefined, expiresAt: undefined },
      {
        token: undefined,
        tokenId: undefined,
        expiresAt: undefined,
        namespace: h.namespace,
        tenant,
        title: 'own',
        site: ownSite.metadata.name,
        subscriber: 'household-0042@apt.example',
        keyIds,
      },
    );
  });

  test('the token lives 300 s unless told, and each one has its own id', async () => {
    const [a, b] = [await issue(h.operator), await issue(h.operator)];
    const verdict = await verify(a.data.token, { site: ownSite.metadata.name, tenant, title: 'own' });
    assert.ok(verdict.ok, JSON.stringify(verdict));
    assert.equal(verdict.claims.exp - verdict.claims.iat, 300);
    assert.notEqual(a.data.tokenId, b.data.tokenId);
  });

  test('a title not packaged yet is a ConflictError saying so', async () => {
    const result = await issue(h.operator, { title: 'raw' });
    assert.equal(result.__typename, 'ConflictError');
    assert.equal(result.message, 'title raw is not packaged yet');
  });

  test('a missing title or site is a NotFoundError naming it', async () => {
    const noTitle = await issue(h.operator, { title: 'no-such-title' });
    assert.deepEqual(
      { type: noTitle.__typename, kind: noTitle.kind, target: noTitle.target },
      { type: 'NotFoundError', kind: 'ContentTitle', target: `${h.namespace}/no-such-title` },
    );
    const noSite = await issue(h.operator, { site: 'no-such-site' });
    assert.deepEqual(
      { type: noSite.__typename, kind: noSite.kind, target: noSite.target },
      { type: 'NotFoundError', kind: 'Site', target: `${h.namespace}/no-such-site` },
    );
  });

  test("any tenant's site serves any title: an operator issues for another tenant's site", async () => {
    const result = await issue(h.operator, { site: otherSite.metadata.name });
    assert.equal(result.__typename, 'MutationIssueEntitlementSuccess', JSON.stringify(result));
  });

  test('a decommissioned site is a ConflictError', async () => {
    const name = spareSite.metadata.name;
    const retired = await h.gql(
      h.operator,
      `mutation { decommissionSite(namespace: "${h.namespace}", name: "${name}") { __typename } }`,
    );
    assert.equal(retired.data.decommissionSite.__typename, 'MutationDecommissionSiteSuccess');
    const result = await issue(h.operator, { site: name });
    assert.equal(result.__typename, 'ConflictError');
    assert.equal(result.message, `site ${name} is decommissioned; it plays nothing`);
  });

  test('bad arguments are a ValidationError naming each one', async () => {
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [{ subscriber: '' }, 'subscriber', /1 to 128 characters/],
      [{ subscriber: 'has space' }, 'subscriber', /letters, digits/],
      [{ subscriber: 'x'.repeat(129) }, 'subscriber', /1 to 128/],
      [{ subscriber: 'gänseblümchen' }, 'subscriber', /letters, digits/],
      [{ ttlSeconds: 29 }, 'ttlSeconds', /30 to 900 seconds, not 29/],
      [{ ttlSeconds: 901 }, 'ttlSeconds', /30 to 900 seconds, not 901/],
      [{ ttlSeconds: -1 }, 'ttlSeconds', /not -1/],
    ];
    for (const [over, field, message] of cases) {
      const result = await issue(h.operator, over);
      assert.equal(result.__typename, 'ValidationError', JSON.stringify({ over, result }));
      assert.equal(result.issues.length, 1, JSON.stringify(result.issues));
      assert.equal(result.issues[0].field, field);
      assert.match(result.issues[0].message, message);
    }
    const both = await issue(h.operator, { subscriber: 'a b', ttlSeconds: 5 });
    assert.deepEqual(
      both.issues.map((i: { field: string }) => i.field),
      ['subscriber', 'ttlSeconds'],
    );
  });
});

describe('partners', () => {
  let issuer: Caller;
  before(async () => {
    issuer = await h.partnerKey(tenant, ['entitlements:issue']);
  });

  test('with entitlements:issue, issue for their own title at their own site', async () => {
    const answer = await partnerIssue(issuer);
    const result = answer.body?.data?.issueEntitlement;
    assert.equal(result?.__typename, 'MutationIssueEntitlementSuccess', answer.text);
    const verdict = await verify(result.data.token, { site: ownSite.metadata.name, tenant, title: 'own' });
    assert.ok(verdict.ok, JSON.stringify(verdict));
    assert.equal(verdict.claims.tenant, tenant);
  });

  test("see their own title's state like anyone: not packaged yet", async () => {
    const answer = await partnerIssue(issuer, { title: 'raw' });
    assert.equal(answer.body?.data?.issueEntitlement.__typename, 'ConflictError', answer.text);
  });

  /** The answer with the name asked for replaced, so two answers about different names compare. */
  const withoutName = (text: string, name: string) => text.replaceAll(name, '<name>');

  test("another tenant's title answers exactly as a title that does not exist", async () => {
    const theirs = await partnerIssue(issuer, { title: 'theirs' });
    const missing = await partnerIssue(issuer, { title: 'missing' });
    assert.equal(theirs.body?.data?.issueEntitlement.__typename, 'NotFoundError', theirs.text);
    assert.equal(theirs.status, missing.status);
    assert.equal(withoutName(theirs.text, 'theirs'), withoutName(missing.text, 'missing'));
  });

  test("another tenant's site answers exactly as a site that does not exist", async () => {
    const theirs = await partnerIssue(issuer, { site: otherSite.metadata.name });
    const missing = await partnerIssue(issuer, { site: 'missing-site' });
    assert.equal(theirs.body?.data?.issueEntitlement.kind, 'Site', theirs.text);
    assert.equal(theirs.status, missing.status);
    assert.equal(
      withoutName(theirs.text, otherSite.metadata.name),
      withoutName(missing.text, 'missing-site'),
    );
  });

  test('without entitlements:issue, even with every read scope, are refused', async () => {
    const reader = await h.partnerKey(tenant, ['sites:read', 'content:read', 'telemetry:read']);
    const answer = await partnerIssue(reader);
    assert.equal(answer.body?.data?.issueEntitlement ?? null, null, answer.text);
    const [error] = answer.body?.errors ?? [];
    assert.equal(error?.extensions?.code, 'FORBIDDEN', answer.text);
    assert.equal(error?.message, 'not authorized to run issueEntitlement');
  });
});

test('NOC staff may not issue entitlements', async () => {
  const answer = await h.gql(h.noc, ISSUE, args());
  assert.equal(answer.data?.issueEntitlement ?? null, null, JSON.stringify(answer));
  assert.equal(answer.errors?.[0]?.extensions?.code, 'FORBIDDEN');
  assert.equal(answer.errors?.[0]?.message, 'not authorized to run issueEntitlement');
});

test('an API started without a signing key refuses, typed, and signs nothing', async () => {
  const bare = await startApiServer({
    client: h.hub.client,
    oidc: h.issuer.config,
    namespace: h.namespace,
    keysNamespace: h.namespace,
  });
  try {
    const response = await fetch(bare.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${(h.operator as { bearer: string }).bearer}`,
      },
      body: JSON.stringify({ query: ISSUE, variables: args() }),
    });
    const body = (await response.json()) as { data: { issueEntitlement: Record<string, unknown> } };
    assert.deepEqual(body.data.issueEntitlement, {
      __typename: 'NotConfiguredError',
      message: 'entitlements are not configured on this API',
      feature: 'entitlements',
    });
  } finally {
    await bare.stop();
  }
});
