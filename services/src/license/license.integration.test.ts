import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { jsonLogger, processRegistry, waitFor } from '@smart-fleet/kube';
import { testHub, uniqueNamespace } from '../../../test/support/test-hub.ts';
import type { KeyRecord } from '../drm/key-plan.ts';
import { FIXTURE_KEK_ID, keyRecord, titleKeyFixture } from '../drm/test-support/title-key-fixture.ts';
import { type EntitlementGrant, issueEntitlement } from './entitlement.ts';
import {
  type EntitlementSigner,
  entitlementKeys,
  generateEntitlementSigner,
  publicKeySet,
} from './entitlement-keys.ts';
import { keyIdToKid, SITE_HEADER } from './license-protocol.ts';
import { LicenseProxy } from './license-proxy.ts';
import { LicenseServer } from './license-server.ts';
import { TitleKeys } from './title-keys.ts';

const TITLE = 'seoul-by-night';
const TENANT = 'public-broadcaster';
const SITE = 'apt-gangnam-1';
const KEYS_TTL_MS = 300;

describe('DRM license service and site proxy against a real kube-apiserver', () => {
  const namespace = uniqueNamespace('license');
  const kek = randomBytes(32);
  const keks = new Map([[FIXTURE_KEK_ID, kek]]);
  const plaintext = new Map<string, Buffer>();
  const tokens: string[] = [];
  const serviceLog: string[] = [];
  const proxyLog: string[] = [];
  const active = randomUUID();
  const retired = randomUUID();
  const revoked = randomUUID();
  let signer: EntitlementSigner;
  let service: LicenseServer;
  let proxy: LicenseProxy;
  let write: (records: KeyRecord[]) => Promise<void>;

  const record = (keyId: string, state: KeyRecord['state'], hoursAgo: number) =>
    keyRecord(TITLE, keyId, state, hoursAgo);
  const entitle = async (over: Partial<EntitlementGrant> = {}, by = signer): Promise<string> => {
    const token = await issueEntitlement(by, {
      subscriber: 'subscriber-7',
      tenant: TENANT,
      title: TITLE,
      site: SITE,
      kids: [active, retired],
      ttlSeconds: 300,
      ...over,
    });
    tokens.push(token);
    return token;
  };
  const proxyUrl = (path: string) => `http://127.0.0.1:${proxy.port}${path}`;
  const serviceUrl = (path: string) => `http://127.0.0.1:${service.port}${path}`;
  const clearKey = (token: string, keyIds: string[], url = proxyUrl('/license/clearkey'), headers = {}) =>
    fetch(url, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ kids: keyIds.map(keyIdToKid), type: 'temporary' }),
    });
  const refusal = async (response: Response) => ({
    status: response.status,
    error: ((await response.json()) as { error: string }).error,
  });

  before(async () => {
    const hub = await testHub();
    const { client } = hub;
    await client.core.createNamespace({ body: { metadata: { name: namespace } } });
    const fixture = await titleKeyFixture({
      client,
      namespace,
      title: TITLE,
      kek,
      plaintext,
      spec: {
        owner: TENANT,
        mpeg7: {
          title: 'Seoul by night',
          genre: ['documentary'],
          creators: [],
          language: 'ko',
          durationSeconds: 60,
        },
        renditions: [{ name: 'hd-8m', codec: 'H.264', bitrateMbps: 8, sizeMB: 60 }],
      },
    });
    write = (records) => fixture.write(records);
    await write([record(active, 'active', 24), record(retired, 'retired', 1), record(revoked, 'revoked', 2)]);
    signer = await generateEntitlementSigner('hub-test');
    service = await LicenseServer.start({
      host: '127.0.0.1',
      port: 0,
      keys: entitlementKeys(publicKeySet([signer])),
      titleKeys: new TitleKeys({ client, namespace, ttlMs: KEYS_TTL_MS }),
      keks,
      log: jsonLogger({ component: 'license-service' }, (line) => serviceLog.push(line)),
      registry: processRegistry(),
    });
    proxy = await LicenseProxy.start({
      host: '127.0.0.1',
      port: 0,
      site: SITE,
      upstream: new URL(serviceUrl('/')),
      log: jsonLogger({ component: 'license-proxy' }, (line) => proxyLog.push(line)),
      registry: processRegistry(),
    });
  });

  after(async () => {
    await proxy?.close();
    await service?.close();
  });

  it('gives a valid token its key through the site proxy, in the ClearKey format, bytes equal', async () => {
    const response = await clearKey(await entitle(), [active]);
    assert.equal(response.status, 200);
    const license = (await response.json()) as {
      keys: { kty: string; kid: string; k: string }[];
      type: string;
    };
    assert.equal(license.type, 'temporary');
    assert.equal(license.keys.length, 1);
    assert.equal(license.keys[0]?.kty, 'oct');
    assert.equal(license.keys[0]?.kid, keyIdToKid(active));
    assert.deepEqual(Buffer.from(license.keys[0]?.k ?? '', 'base64url'), plaintext.get(active));
  });

  it('delivers the raw 16-byte HLS key, with the token in ?token= or in a Bearer header', async () => {
    const token = await entitle();
    const hex = active.replace(/-/g, '');
    const byQuery = await fetch(proxyUrl(`/keys/hls/${hex}?token=${token}`));
    assert.equal(byQuery.status, 200);
    assert.equal(byQuery.headers.get('content-type'), 'application/octet-stream');
    assert.deepEqual(Buffer.from(await byQuery.arrayBuffer()), plaintext.get(active));
    const byHeader = await fetch(proxyUrl(`/keys/hls/${active}`), {
      headers: { authorization: `Bearer ${token}` },
    });
    assert.deepEqual(Buffer.from(await byHeader.arrayBuffer()), plaintext.get(active));
  });

  it('still serves a rotated-out (retired) key, so licenses issued before the rotation keep playing', async () => {
    const response = await clearKey(await entitle(), [active, retired]);
    assert.equal(response.status, 200);
    const { keys } = (await response.json()) as { keys: { kid: string; k: string }[] };
    const byKid = new Map(keys.map((k) => [k.kid, Buffer.from(k.k, 'base64url')]));
    assert.deepEqual(byKid.get(keyIdToKid(retired)), plaintext.get(retired));
    assert.deepEqual(byKid.get(keyIdToKid(active)), plaintext.get(active));
  });

  it('refuses expired, forged, wrong-tenant, not-entitled and revoked-key tokens, with the reason', async () => {
    const forger = await generateEntitlementSigner(signer.kid);
    const cases: [string, Promise<string>, string[], number][] = [
      ['expired', entitle({ now: new Date(Date.now() - 20 * 60_000) }), [active], 401],
      ['bad-signature', entitle({}, forger), [active], 401],
      ['wrong-tenant', entitle({ tenant: 'another-studio' }), [active], 403],
      ['kid-not-entitled', entitle({ kids: [active] }), [retired], 403],
      ['revoked', entitle({ kids: [active, revoked] }), [revoked], 403],
    ];
    for (const [reason, token, keyIds, status] of cases) {
      assert.deepEqual(await refusal(await clearKey(await token, keyIds)), { status, error: reason }, reason);
    }
  });

  it('refuses a token for another site at the proxy, before the license service sees it', async () => {
    const before = serviceLog.length;
    const token = await entitle({ site: 'hotel-busan-2' });
    assert.deepEqual(await refusal(await clearKey(token, [active])), { status: 403, error: 'wrong-site' });
    assert.equal(serviceLog.length, before, 'the license service was not asked');
    assert.match(proxyLog.at(-1) ?? '', /"reason":"wrong-site"/);
    // The service refuses it too, and a request that did not come through a site proxy.
    const direct = serviceUrl('/license/clearkey');
    assert.deepEqual(await refusal(await clearKey(token, [active], direct, { [SITE_HEADER]: SITE })), {
      status: 403,
      error: 'wrong-site',
    });
    assert.deepEqual(await refusal(await clearKey(await entitle(), [active], direct)), {
      status: 403,
      error: 'wrong-site',
    });
  });

  it('answers 404 for a title without keys and 413 for bodies and kid lists over the bounds', async () => {
    assert.deepEqual(await refusal(await clearKey(await entitle({ title: 'no-such-title' }), [active])), {
      status: 404,
      error: 'unknown-title',
    });
    const many = Array.from({ length: 17 }, () => randomUUID());
    assert.deepEqual(await refusal(await clearKey(await entitle(), many)), {
      status: 413,
      error: 'too-many-kids',
    });
    const huge = await fetch(proxyUrl('/license/clearkey'), {
      method: 'POST',
      headers: { authorization: `Bearer ${await entitle()}` },
      body: 'x'.repeat(17 * 1024),
    });
    assert.deepEqual(await refusal(huge), { status: 413, error: 'body-too-large' });
  });

  it('counts every denial by reason and logs each on one line with no key bytes and no token', async () => {
    const metrics = await (await fetch(serviceUrl('/metrics'))).text();
    for (const reason of [
      'expired',
      'bad-signature',
      'wrong-tenant',
      'kid-not-entitled',
      'revoked',
      'wrong-site',
    ]) {
      assert.match(
        metrics,
        new RegExp(`smartfleet_license_denials_total\\{reason="${reason}"\\} [1-9]`),
        reason,
      );
    }
    const denials = serviceLog.filter((l) => l.includes('license denied')).map((l) => JSON.parse(l));
    const expired = denials.find((d) => d.reason === 'expired');
    assert.deepEqual(
      { tenant: expired.tenant, title: expired.title, site: expired.site, kids: expired.kids },
      { tenant: TENANT, title: TITLE, site: SITE, kids: active },
    );
    const everything = [...serviceLog, ...proxyLog].join('');
    for (const key of [...plaintext.values(), kek]) {
      for (const form of [key.toString('hex'), key.toString('base64'), key.toString('base64url')]) {
        assert.ok(!everything.includes(form), 'key material in a log line');
      }
    }
    for (const token of tokens) {
      assert.ok(!everything.includes(token.split('.')[2] ?? token), 'a token in a log line');
    }
  });

  it('refuses a key revoked after its token was issued, from the first read of the Secret after it', async () => {
    const token = await entitle();
    assert.equal((await clearKey(token, [active])).status, 200);
    const revokedAt = Date.now();
    await write([record(active, 'revoked', 0), record(retired, 'retired', 1), record(revoked, 'revoked', 2)]);
    const refused = await waitFor(
      async () => {
        const answer = await refusal(await clearKey(token, [active]));
        return answer.status === 403 && answer;
      },
      { what: 'the revoked key to be refused', timeoutMs: 10 * KEYS_TTL_MS, intervalMs: 50 },
    );
    assert.deepEqual(refused, { status: 403, error: 'revoked' });
    assert.ok(Date.now() - revokedAt < KEYS_TTL_MS + 2000, 'refused within the keys TTL');
    assert.equal((await clearKey(token, [retired])).status, 200, 'the other key still plays');
  });
});
