/**
 * Subscriptions over Server-Sent Events against a real hub: a site's phase change reaches the
 * staff and its own tenant's partner, never another tenant's; a new alert reaches the NOC.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { listAll } from '@smart-fleet/kube';
import type { Site } from '@smart-fleet/model';
import { type ApiHarness, apiHarness, headersFor, writeSiteStatus } from '../../test/support/api-server.ts';
import { subscribe } from '../../test/support/sse.ts';

let h: ApiHarness;
let sites: Site[];

before(async () => {
  h = await apiHarness({ sites: 12, prefix: 'api-sub' });
  sites = (await listAll(h.hub.client, 'Site', h.namespace)) as unknown as Site[];
});
after(() => h?.stop());

const PHASES = 'subscription { sitePhaseChanged { site { name spec { tenant } } from to } }';
const stamp = () => new Date().toISOString().replace(/\.\d+Z$/, 'Z');

test("a phase change reaches staff and the site's own partner, not another tenant's", async () => {
  const site = sites[0] as Site;
  const tenant = site.spec.tenant;
  const otherTenant = sites.find((s) => s.spec.tenant !== tenant)?.spec.tenant as string;
  const own = await h.partnerKey(tenant, ['sites:read']);
  const other = await h.partnerKey(otherTenant, ['sites:read']);
  const streams = await Promise.all(
    [h.operator, own, other].map((caller) => subscribe(h.api.url, headersFor(caller), PHASES)),
  );
  try {
    await writeSiteStatus(h.hub.client, h.namespace, site.metadata.name, { phase: 'Ready' });
    for (const stream of streams.slice(0, 2)) {
      const event = await stream.next();
      const change = event.data?.sitePhaseChanged as { site: { name: string }; from: string; to: string };
      assert.equal(change.site.name, site.metadata.name);
      assert.deepEqual([change.from, change.to], ['PENDING', 'READY']);
    }
    assert.equal(await streams[2]?.silentFor(1500), true, "the other tenant's partner heard nothing");
  } finally {
    for (const s of streams) {
      s.close();
    }
  }
});

test('a new alert reaches the NOC; partners may not subscribe to alerts', async () => {
  const stream = await subscribe(
    h.api.url,
    headersFor(h.noc),
    'subscription { alertRaised { alertId type severity sourceName } }',
  );
  try {
    const site = sites[1] as Site;
    await writeSiteStatus(h.hub.client, h.namespace, site.metadata.name, {
      phase: 'Offline',
      conditions: [
        {
          type: 'Reachable',
          status: 'False',
          reason: 'HeartbeatMissed',
          message: 'no heartbeat',
          lastTransitionTime: stamp(),
        },
      ],
    });
    const event = await stream.next();
    const alert = event.data?.alertRaised as { type: string; sourceName: string; severity: string };
    assert.deepEqual(
      [alert.type, alert.sourceName, alert.severity],
      ['SiteOffline', site.metadata.name, 'CRITICAL'],
    );
  } finally {
    stream.close();
  }
  const partner = await h.partnerKey(sites[0]?.spec.tenant as string, ['sites:read']);
  const refused = await subscribe(h.api.url, headersFor(partner), 'subscription { alertRaised { alertId } }');
  try {
    const event = await refused.next();
    assert.match(event.errors?.[0]?.message ?? '', /not authorized/);
  } finally {
    refused.close();
  }
});
