/**
 * Subscriptions over Server-Sent Events against a real hub: a site's phase change reaches the
 * staff and its own tenant's partner, never another tenant's; a new alert reaches the NOC; an
 * open stream ends within seconds of its partner key being revoked (on this replica or another)
 * or its staff token expiring, and lets go of its feed on the server.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { listAll, waitFor } from '@smart-fleet/kube';
import type { Site } from '@smart-fleet/model';
import {
  type ApiHarness,
  apiHarness,
  type Caller,
  headersFor,
  writeSiteStatus,
} from '../../test/support/api-server.ts';
import { type SseSubscription, subscribe } from '../../test/support/sse.ts';
import { startApiServer } from '../src/server.ts';

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
    assert.equal(event.errors?.[0]?.message, 'not authorized to subscribe to alertRaised');
  } finally {
    refused.close();
  }
});

/** How soon an open stream must end once its credential is no good. */
const END_WITHIN_MS = 5000;

const keyIdOf = (caller: Caller) =>
  /^sfk_([0-9a-f]{12})_/.exec((caller as { apiKey: string }).apiKey)?.[1] ?? '';

/** The stream's last event says why, then the server ends it; returns how long that took. */
async function assertEndsWith(stream: SseSubscription, message: string, since: number): Promise<number> {
  const last = await stream.next(END_WITHIN_MS);
  assert.equal(last.errors?.[0]?.message, message, JSON.stringify(last));
  assert.equal((last.errors?.[0] as { extensions?: { code?: string } })?.extensions?.code, 'UNAUTHENTICATED');
  assert.equal(await stream.endsWithin(END_WITHIN_MS), true, 'the server ended the stream');
  return Date.now() - since;
}

test("a partner's open stream ends within seconds of its key being revoked, and lets go of its feed", async () => {
  const partner = await h.partnerKey(sites[0]?.spec.tenant as string, ['sites:read']);
  const before = h.api.view.events.subscriberCount('sitePhase');
  const stream = await subscribe(h.api.url, headersFor(partner), PHASES);
  try {
    await waitFor(async () => h.api.view.events.subscriberCount('sitePhase') === before + 1, {
      timeoutMs: 5000,
      what: 'the stream to subscribe to the feed',
    });
    const revokedAt = Date.now();
    const revoked = await h.gql(
      h.operator,
      `mutation { revokePartnerApiKey(keyId: "${keyIdOf(partner)}") { __typename } }`,
    );
    assert.equal(revoked.errors, undefined, JSON.stringify(revoked.errors));
    const took = await assertEndsWith(stream, 'API key revoked', revokedAt);
    console.log(`# stream ended ${took} ms after the revocation`);
    await waitFor(async () => h.api.view.events.subscriberCount('sitePhase') === before, {
      timeoutMs: 5000,
      what: 'the feed subscription to be released',
    });
  } finally {
    stream.close();
  }
});

test('a key revoked through another replica ends the stream on this one, through its watch of the keys', async () => {
  const replica = await startApiServer({
    client: h.hub.client,
    oidc: h.issuer.config,
    namespace: h.namespace,
    keysNamespace: h.namespace,
  });
  try {
    const partner = await h.partnerKey(sites[0]?.spec.tenant as string, ['sites:read']);
    await waitFor(async () => replica.apiKeys.get(keyIdOf(partner)) !== undefined, {
      timeoutMs: 10000,
      what: 'the replica to hear of the new key',
    });
    const stream = await subscribe(replica.url, headersFor(partner), PHASES);
    try {
      const revokedAt = Date.now();
      assert.equal(await h.api.apiKeys.revoke(keyIdOf(partner)), true);
      const took = await assertEndsWith(stream, 'API key revoked', revokedAt);
      console.log(`# stream on the other replica ended ${took} ms after the revocation`);
    } finally {
      stream.close();
    }
  } finally {
    await replica.stop();
  }
});

test("a staff member's open stream ends when the token expires, not before", async () => {
  const ttlSeconds = 4;
  const token = await h.issuer.sign({ sub: 'short-lived', roles: ['noc'], ttlSeconds });
  const expiresAt = JSON.parse(Buffer.from(token.split('.')[1] as string, 'base64url').toString()).exp * 1000;
  const stream = await subscribe(h.api.url, headersFor({ bearer: token }), PHASES);
  try {
    const took = await assertEndsWith(stream, 'bearer token expired', expiresAt);
    assert.ok(took >= 0, `ended ${-took} ms before the token expired`);
    console.log(`# stream ended ${took} ms after the token expired`);
  } finally {
    stream.close();
  }
});
