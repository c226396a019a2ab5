/**
 * Mutations against a real hub: bad input comes back as typed errors naming the field, with
 * the hub untouched; good input is written to the Kubernetes API and read back at once.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { listAll } from '@smart-fleet/kube';
import { ALL_KINDS, ANNOTATIONS, type Site } from '@smart-fleet/model';
import { type ApiHarness, apiHarness, writeSiteStatus } from '../../test/support/api-server.ts';

let h: ApiHarness;
let template: Site;

before(async () => {
  h = await apiHarness({ sites: 12, prefix: 'api-write' });
  template = ((await listAll(h.hub.client, 'Site', h.namespace)) as unknown as Site[])[0] as Site;
});
after(() => h?.stop());

/** Every fleet object in the namespace with its resourceVersion: equal snapshots mean nothing was written. */
async function snapshot(): Promise<Record<string, string>> {
  const entries = await Promise.all(
    ALL_KINDS.map(async (k) =>
      (await listAll(h.hub.client, k.kind, h.namespace)).map((o) => [
        `${k.kind}/${o.metadata?.name}`,
        o.metadata?.resourceVersion ?? '',
      ]),
    ),
  );
  return Object.fromEntries(entries.flat());
}

const ERRORS = `
  ... on ValidationError { message issues { field message } }
  ... on NotFoundError { message kind target }
  ... on ConflictError { message }`;

const REGISTER = `mutation($ns: String!, $name: String!, $spec: SiteSpecInput!) {
  registerSite(namespace: $ns, name: $name, spec: $spec) {
    __typename
    ... on MutationRegisterSiteSuccess { data { name phase resourceVersion labels spec { tenant streaming { egressBudgetMbps } } } }
    ${ERRORS}
  }
}`;

/** A site spec as GraphQL variables take it: enum values are the schema's names. */
function specInput(edit: (spec: Record<string, unknown>) => void = () => {}) {
  const spec = structuredClone(template.spec) as unknown as Record<string, unknown>;
  const asEnum = (v: string) => v.toUpperCase().replace(/[^A-Z0-9]+/g, '_');
  const location = spec.location as Record<string, unknown>;
  location.region = asEnum(location.region as string);
  spec.kind = asEnum(spec.kind as string);
  spec.releaseChannel = asEnum(spec.releaseChannel as string);
  spec.lifecycle = asEnum(spec.lifecycle as string);
  const hardware = spec.hardware as Record<string, unknown>;
  hardware.configuration = asEnum(hardware.configuration as string);
  const window = spec.maintenanceWindow as Record<string, unknown>;
  window.days = (window.days as string[]).map(asEnum);
  edit(spec);
  return spec;
}

describe('bad input is refused as data and changes nothing', () => {
  const cases: [string, (spec: Record<string, unknown>) => void, string, RegExp][] = [
    [
      'an egress budget the hardware cannot carry',
      (s) => {
        (s.hardware as Record<string, unknown>).modules = 1;
        (s.streaming as Record<string, unknown>).egressBudgetMbps = 4000;
      },
      'spec.streaming.egressBudgetMbps',
      /Mbps/,
    ],
    [
      'a cluster that does not exist',
      (s) => (s.parentCluster = 'wac-nowhere'),
      'spec.parentCluster',
      /does not exist/,
    ],
    ['a tenant that does not exist', (s) => (s.tenant = 'nobody'), 'spec.tenant', /does not exist/],
    ['too many subscribers', (s) => (s.subscriberCap = 5000), 'spec.subscriberCap', /1000|maximum|at most/],
    [
      'a maintenance window in a zone Intl does not know, in the loader’s words',
      (s) => {
        (s.maintenanceWindow as Record<string, unknown>).timeZone = 'Mars/Olympus_Mons';
      },
      'spec.maintenanceWindow.timeZone',
      /^unknown time zone "Mars\/Olympus_Mons"; use an IANA name such as Asia\/Seoul, or UTC$/,
    ],
  ];
  for (const [what, edit, field, message] of cases) {
    test(what, async () => {
      const before = await snapshot();
      const answer = await h.gql(h.operator, REGISTER, {
        ns: h.namespace,
        name: 'new-site',
        spec: specInput(edit),
      });
      assert.equal(answer.errors, undefined, JSON.stringify(answer.errors));
      const result = answer.data.registerSite;
      assert.equal(result.__typename, 'ValidationError', JSON.stringify(result));
      const issue = result.issues.find((i: { field: string }) => i.field === field);
      assert.ok(issue, `an issue for ${field}: ${JSON.stringify(result.issues)}`);
      assert.match(issue.message, message);
      assert.deepEqual(await snapshot(), before);
    });
  }

  test('a bad name, and input the schema itself refuses', async () => {
    const before = await snapshot();
    const badName = await h.gql(h.operator, REGISTER, {
      ns: h.namespace,
      name: 'Not_A_Name',
      spec: specInput(),
    });
    assert.equal(badName.data.registerSite.__typename, 'ValidationError');
    assert.equal(badName.data.registerSite.issues[0].field, 'metadata.name');
    const badEnum = await h.gql(h.operator, REGISTER, {
      ns: h.namespace,
      name: 'x',
      spec: specInput((s) => (s.kind = 'CASTLE')),
    });
    assert.match(badEnum.errors?.[0]?.message ?? '', /CASTLE/);
    assert.deepEqual(await snapshot(), before);
  });
});

describe('sites', () => {
  test('register, read back at once, refuse a duplicate, update with a version check', async () => {
    const registered = await h.gql(h.operator, REGISTER, {
      ns: h.namespace,
      name: 'apt-new-1',
      spec: specInput(),
    });
    const site = registered.data.registerSite;
    assert.equal(site.__typename, 'MutationRegisterSiteSuccess', JSON.stringify(site));
    assert.equal(site.data.name, 'apt-new-1');
    assert.equal(site.data.labels['smartfleet.io/tenant'], template.spec.tenant);
    assert.ok(h.api.view.sites.get(`${h.namespace}/apt-new-1`), 'the view has it when the mutation returns');
    const again = await h.gql(h.operator, REGISTER, {
      ns: h.namespace,
      name: 'apt-new-1',
      spec: specInput(),
    });
    assert.equal(again.data.registerSite.__typename, 'ConflictError');

    const UPDATE = `mutation($ns: String!, $spec: SiteSpecInput!, $rv: String) {
      updateSite(namespace: $ns, name: "apt-new-1", spec: $spec, resourceVersion: $rv) {
        __typename ... on MutationUpdateSiteSuccess { data { spec { subscriberCap } } } ${ERRORS} } }`;
    const smaller = specInput((s) => (s.subscriberCap = 100));
    const stale = await h.gql(h.operator, UPDATE, { ns: h.namespace, spec: smaller, rv: '1' });
    assert.equal(stale.data.updateSite.__typename, 'ConflictError');
    const current = site.data.resourceVersion;
    const updated = await h.gql(h.operator, UPDATE, { ns: h.namespace, spec: smaller, rv: current });
    assert.equal(updated.data.updateSite.data.spec.subscriberCap, 100, JSON.stringify(updated));
  });

  test('drain (NOC may), then no new content; decommission; nothing after that', async () => {
    const name = template.metadata.name;
    const lifecycle = (m: string, who = h.operator) =>
      h.gql(
        who,
        `mutation { ${m}(namespace: "${h.namespace}", name: "${name}") { __typename ... on Mutation${m[0]?.toUpperCase()}${m.slice(1)}Success { data { spec { lifecycle } } } ${ERRORS} } }`,
      );
    const drained = await lifecycle('drainSite', h.noc);
    assert.equal(drained.data.drainSite.data.spec.lifecycle, 'DRAINING');
    const title = (await listAll(h.hub.client, 'ContentTitle', h.namespace))[0]?.metadata?.name;
    if (title) {
      const placed = await h.gql(
        h.operator,
        `mutation { placeContent(namespace: "${h.namespace}", name: "${name}", title: "${title}") { __typename ${ERRORS} } }`,
      );
      assert.equal(placed.data.placeContent.__typename, 'ConflictError');
    }
    const retired = await lifecycle('decommissionSite');
    assert.equal(retired.data.decommissionSite.data.spec.lifecycle, 'DECOMMISSIONED');
    const afterwards = await lifecycle('drainSite');
    assert.equal(afterwards.data.drainSite.__typename, 'ConflictError');
  });
});

describe('releases and rollouts', () => {
  const release = (version: string) => ({
    version,
    channel: 'STABLE',
    services: [{ name: 'STREAMING_EDGE', image: 'registry.local/smart/edge:2.0.0' }],
  });
  const CREATE = `mutation($ns: String!, $name: String!, $spec: SiteReleaseSpecInput!) {
    createRelease(namespace: $ns, name: $name, spec: $spec) { __typename ... on MutationCreateReleaseSuccess { data { name spec { version } } } ${ERRORS} } }`;
  const START = `mutation($ns: String!, $name: String!, $spec: RolloutSpecInput!) {
    startRollout(namespace: $ns, name: $name, spec: $spec) { __typename ... on MutationStartRolloutSuccess { data { name phase spec { paused } } } ${ERRORS} } }`;
  const rollout = (releaseName: string) => ({
    release: releaseName,
    selector: { tenants: [template.spec.tenant] },
    waves: [{ name: 'all', percent: 100, maxUnavailable: 5 }],
    healthGate: { bakeSeconds: 0 },
  });

  test('a release with a bad version is refused; a good one is created', async () => {
    const bad = await h.gql(h.operator, CREATE, { ns: h.namespace, name: 'r-bad', spec: release('two') });
    assert.equal(bad.data.createRelease.__typename, 'ValidationError');
    assert.equal(bad.data.createRelease.issues[0].field, 'spec.version');
    const good = await h.gql(h.operator, CREATE, { ns: h.namespace, name: 'r-200', spec: release('2.0.0') });
    assert.equal(good.data.createRelease.data.spec.version, '2.0.0', JSON.stringify(good));
  });

  test('a rollout of an unknown release is refused; a good one starts, pauses, resumes and aborts', async () => {
    const unknown = await h.gql(h.operator, START, {
      ns: h.namespace,
      name: 'ro-x',
      spec: rollout('r-missing'),
    });
    assert.equal(unknown.data.startRollout.__typename, 'ValidationError');
    assert.equal(unknown.data.startRollout.issues[0].field, 'spec.release');
    const started = await h.gql(h.operator, START, {
      ns: h.namespace,
      name: 'ro-200',
      spec: rollout('r-200'),
    });
    assert.equal(
      started.data.startRollout.__typename,
      'MutationStartRolloutSuccess',
      JSON.stringify(started),
    );
    const steer = (verb: string) =>
      h.gql(
        h.operator,
        `mutation { ${verb}(namespace: "${h.namespace}", name: "ro-200") { __typename ... on Mutation${verb[0]?.toUpperCase()}${verb.slice(1)}Success { data { spec { paused abort } } } ${ERRORS} } }`,
      );
    const spec = async (verb: string) => (await steer(verb)).data[verb]?.data.spec;
    assert.equal((await spec('pauseRollout'))?.paused, true);
    assert.equal((await spec('resumeRollout'))?.paused, false);
    assert.equal((await spec('abortRollout'))?.abort, true);
  });
});

describe('content, alerts and partner keys', () => {
  test('place pins a title on a site and unplace excludes it', async () => {
    const titles = await listAll(h.hub.client, 'ContentTitle', h.namespace);
    const name = 'apt-new-1';
    const title = titles[0]?.metadata?.name ?? '';
    const MUT = (verb: string, t: string) =>
      `mutation { ${verb}(namespace: "${h.namespace}", name: "${name}", title: "${t}") { __typename ${ERRORS} } }`;
    const missing = await h.gql(h.operator, MUT('placeContent', 'no-such-title'));
    assert.equal(missing.data.placeContent.__typename, 'NotFoundError');
    if (!title) {
      return; // the fixture fleet has no titles: the annotation round trip is covered by the operators' test
    }
    await h.gql(h.operator, MUT('placeContent', title));
    let site = h.api.view.sites.get(`${h.namespace}/${name}`);
    assert.equal(site?.metadata.annotations?.[ANNOTATIONS.pinnedTitles], title);
    await h.gql(h.operator, MUT('unplaceContent', title));
    site = h.api.view.sites.get(`${h.namespace}/${name}`);
    assert.equal(site?.metadata.annotations?.[ANNOTATIONS.pinnedTitles], undefined);
    assert.equal(site?.metadata.annotations?.[ANNOTATIONS.excludedTitles], title);
  });

  test('an offline site raises an alert that NOC staff acknowledge', async () => {
    const site = ((await listAll(h.hub.client, 'Site', h.namespace)) as unknown as Site[]).find(
      (s) => s.metadata.name !== template.metadata.name && s.metadata.name !== 'apt-new-1',
    ) as Site;
    const since = '2026-11-25T10:00:00Z';
    await writeSiteStatus(h.hub.client, h.namespace, site.metadata.name, {
      phase: 'Offline',
      conditions: [
        {
          type: 'Reachable',
          status: 'False',
          reason: 'HeartbeatMissed',
          message: 'no heartbeat for 12 s',
          lastTransitionTime: since,
        },
      ],
    });
    const id = `Site/${h.namespace}/${site.metadata.name}/SiteOffline@${since}`;
    const listed = await waitForAlert(id);
    assert.equal(listed.severity, 'CRITICAL');
    assert.equal(listed.acknowledged, false);
    const ack = await h.gql(
      h.noc,
      `mutation($id: String!) { acknowledgeAlert(alertId: $id) { __typename ... on MutationAcknowledgeAlertSuccess { data { acknowledged acknowledgedBy } } ${ERRORS} } }`,
      { id },
    );
    assert.equal(ack.data.acknowledgeAlert.data.acknowledged, true, JSON.stringify(ack));
    assert.equal(ack.data.acknowledgeAlert.data.acknowledgedBy, 'nam');
  });

  test('a partner key works until revoked, and is refused at once after', async () => {
    const created = await h.gql(
      h.operator,
      `mutation { createPartnerApiKey(tenant: "${template.spec.tenant}", name: "dashboard", scopes: [SITES_READ]) { __typename ... on MutationCreatePartnerApiKeySuccess { data { key apiKey { keyId scopes } } } ${ERRORS} } }`,
    );
    const { key, apiKey } = created.data.createPartnerApiKey.data;
    assert.deepEqual(apiKey.scopes, ['SITES_READ']);
    const partner = { apiKey: key as string };
    assert.equal((await h.gql(partner, '{ fleetSummary { sites } }')).status, 200);
    const revoked = await h.gql(
      h.operator,
      `mutation { revokePartnerApiKey(keyId: "${apiKey.keyId}") { __typename } }`,
    );
    assert.equal(revoked.data.revokePartnerApiKey.__typename, 'MutationRevokePartnerApiKeySuccess');
    assert.equal((await h.gql(partner, '{ fleetSummary { sites } }')).status, 401);
    const unknownTenant = await h.gql(
      h.operator,
      `mutation { createPartnerApiKey(tenant: "nobody", name: "x", scopes: [SITES_READ]) { __typename ${ERRORS} } }`,
    );
    assert.equal(unknownTenant.data.createPartnerApiKey.issues[0].field, 'tenant');
  });
});

async function waitForAlert(id: string) {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const answer = await h.gql(
      h.operator,
      '{ alerts(first: 100) { edges { node { alertId severity acknowledged } } } }',
    );
    const found = answer.data.alerts.edges.find((e: { node: { alertId: string } }) => e.node.alertId === id);
    if (found) {
      return found.node;
    }
    await new Promise((resolve) => setTimeout(resolve, 100)); // polling the API for a watch event, bounded above
  }
  throw new Error(`alert ${id} did not appear within 10 s`);
}
