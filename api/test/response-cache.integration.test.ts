/**
 * Repeated reads are answered from the response cache only while nothing changed: a change in
 * the hub shows in the very next answer, and callers of different classes never share answers.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { listAll, waitFor } from '@smart-fleet/kube';
import type { Site } from '@smart-fleet/model';
import {
  type ApiHarness,
  apiHarness,
  type GraphqlAnswer,
  writeSiteStatus,
} from '../../test/support/api-server.ts';

let h: ApiHarness;
let site: Site;

before(async () => {
  h = await apiHarness({ sites: 10, prefix: 'api-cache' });
  site = ((await listAll(h.hub.client, 'Site', h.namespace)) as unknown as Site[])[0] as Site;
});
after(() => h?.stop());

const query = () =>
  `{ site(namespace: "${h.namespace}", name: "${site.metadata.name}") { phase status { lastHeartbeat } } }`;

test('an answer repeated from the cache is never older than the view it was read from', async () => {
  const first = await h.gql(h.operator, query());
  assert.equal(first.data.site.phase, 'PENDING');
  assert.deepEqual(await h.gql(h.operator, query()), first, 'the same answer while nothing changed');
  const version = h.api.view.version;
  await writeSiteStatus(h.hub.client, h.namespace, site.metadata.name, {
    phase: 'Ready',
    lastHeartbeat: '2026-11-25T12:00:00Z',
  });
  await waitFor(async () => h.api.view.version > version, {
    timeoutMs: 10_000,
    what: 'the view to see the write',
  });
  const next = await h.gql(h.operator, query());
  assert.equal(next.data.site.phase, 'READY', 'the first read after the change is fresh');
  assert.equal(next.data.site.status.lastHeartbeat, '2026-11-25T12:00:00Z');
});

test('callers of different classes never get each other’s cached answers', async () => {
  const staffOnly = '{ apiKeys { keyId } wideAreaClusters { totalCount } }';
  const asOperator = await h.gql(h.operator, staffOnly);
  assert.equal(asOperator.errors, undefined);
  const asNoc = await h.gql(h.noc, staffOnly);
  assert.ok(
    asNoc.errors?.some((e) => e.extensions?.code === 'FORBIDDEN'),
    'NOC staff may not list keys',
  );
  const other = ((await listAll(h.hub.client, 'Site', h.namespace)) as unknown as Site[]).find(
    (s) => s.spec.tenant !== site.spec.tenant,
  ) as Site;
  const pageQuery = '{ sites(first: 50) { totalCount } }';
  const own = await h.gql(await h.partnerKey(site.spec.tenant, ['sites:read']), pageQuery);
  const theirs = await h.gql(await h.partnerKey(other.spec.tenant, ['sites:read']), pageQuery);
  const count = (tenant: string) =>
    h.api.view.sites.count({ namespace: h.namespace, tenants: [tenant] }) as number;
  assert.equal(own.data.sites.totalCount, count(site.spec.tenant));
  assert.equal(theirs.data.sites.totalCount, count(other.spec.tenant));
});

test('a fleet summary served again within its maxAgeMs is not kept: a quiet fleet still sees the change', async () => {
  const ready = (answer: GraphqlAnswer): number =>
    (answer.data?.fleetSummary?.byPhase as { phase: string; count: number }[] | undefined)?.find(
      (p) => p.phase === 'Ready',
    )?.count ?? 0;
  const summary = `{ fleetSummary(namespace: "${h.namespace}") { byPhase { phase count } } }`;
  const before = ready(await h.gql(h.operator, summary));
  const other = ((await listAll(h.hub.client, 'Site', h.namespace)) as unknown as Site[]).find(
    (s) => s.metadata.name !== site.metadata.name,
  ) as Site;
  const version = h.api.view.version;
  await writeSiteStatus(h.hub.client, h.namespace, other.metadata.name, { phase: 'Ready' });
  await waitFor(async () => h.api.view.version > version, {
    timeoutMs: 10_000,
    what: 'the view to see the write',
  });
  // Read at once: likely within the summary's maxAgeMs, so this answer may still be the old one,
  // but it must not be cached against the new version. No further change follows.
  await h.gql(h.operator, summary);
  await waitFor(async () => ready(await h.gql(h.operator, summary)) === before + 1, {
    timeoutMs: 10_000,
    what: 'the summary to count the site that became Ready, with nothing changing after it',
  });
});
