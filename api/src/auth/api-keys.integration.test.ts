import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { connect, type KubeClient, waitFor } from '@smart-fleet/kube';
import { CuttableProxy } from '../../../test/support/cuttable-proxy.ts';
import { type TestHub, testHub, uniqueNamespace } from '../../../test/support/test-hub.ts';
import { ApiKeyStore, type NewApiKey } from './api-keys.ts';

const SELECTOR = 'smartfleet.io/api-key=partner';

describe('partner API keys, hashed at rest in the hub', () => {
  let hub: TestHub;
  let client: KubeClient;
  let store: ApiKeyStore;
  const others: ApiKeyStore[] = [];
  const namespace = uniqueNamespace('api-keys');
  const input: NewApiKey = {
    tenant: 'metro-cable',
    name: 'Metro dashboard',
    scopes: ['telemetry:read', 'sites:read', 'sites:read'],
    createdBy: 'ada@example.com',
  };

  /** Another replica's store on the same namespace. */
  const replica = async (on: KubeClient = client): Promise<ApiKeyStore> => {
    const other = new ApiKeyStore(on, namespace);
    others.push(other);
    await other.start();
    return other;
  };
  const keySecrets = async () =>
    (await client.core.listNamespacedSecret({ namespace, labelSelector: SELECTOR })).items;

  before(async () => {
    hub = await testHub();
    client = hub.client;
    await client.core.createNamespace({ body: { metadata: { name: namespace } } });
    store = new ApiKeyStore(client, namespace);
    await store.start();
  });

  after(async () => {
    await Promise.all([store, ...others].map((s) => s?.stop()));
    await client?.core.deleteNamespace({ name: namespace });
  });

  it('create returns the key once and the hub keeps only its hash', async () => {
    const { id, key, record } = await store.create(input);
    assert.match(key, /^sfk_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/);
    assert.equal(key.split('_')[1], id);
    assert.deepEqual(record, {
      id,
      tenant: 'metro-cable',
      name: 'Metro dashboard',
      scopes: ['sites:read', 'telemetry:read'],
      createdBy: 'ada@example.com',
      createdAt: record.createdAt,
    });
    assert.ok(Math.abs(Date.parse(record.createdAt) - Date.now()) < 60_000);

    const secret = await client.core.readNamespacedSecret({ name: `api-key-${id}`, namespace });
    assert.equal(secret.type, 'smartfleet.io/api-key');
    assert.equal(secret.metadata?.labels?.['smartfleet.io/api-key'], 'partner');
    assert.equal(secret.metadata?.labels?.['smartfleet.io/tenant'], 'metro-cable');
    const data = Object.fromEntries(
      Object.entries(secret.data ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]),
    );
    assert.deepEqual(data, {
      hash: createHash('sha256').update(key).digest('hex'),
      tenant: 'metro-cable',
      scopes: 'sites:read,telemetry:read',
      name: 'Metro dashboard',
      createdBy: 'ada@example.com',
      createdAt: record.createdAt,
    });
    // Neither the key nor its secret part, raw or base64, is anywhere in the stored object.
    const secretPart = key.slice(`sfk_${id}_`.length);
    const stored = JSON.stringify(secret) + JSON.stringify(data);
    for (const needle of [key, secretPart, Buffer.from(key).toString('base64')]) {
      assert.ok(!stored.includes(needle), 'the Secret holds key material');
    }
  });

  it('a key verifies as its partner; a tampered, foreign or malformed key does not', async () => {
    const { id, key } = await store.create({ ...input, tenant: 'acme', name: 'Acme feed' });
    assert.deepEqual(store.verify(key), {
      kind: 'partner',
      id,
      tenant: 'acme',
      scopes: new Set(['sites:read', 'telemetry:read']),
      display: 'Acme feed (acme)',
    });

    const last = key.at(-1) === 'A' ? 'B' : 'A';
    assert.equal(store.verify(`${key.slice(0, -1)}${last}`), undefined, 'tampered secret part');
    const { key: other } = await store.create(input);
    const spliced = `sfk_${id}_${other.slice(-43)}`;
    assert.equal(store.verify(spliced), undefined, "another key's secret under this id");
    for (const malformed of [
      '',
      'sfk_',
      key.slice(0, -1),
      `${key}A`,
      ` ${key}`,
      key.toUpperCase(),
      `Bearer ${key}`,
      key.replace('sfk_', 'sfx_'),
      `sfk_000000000000_${key.slice(-43)}`,
    ]) {
      assert.equal(store.verify(malformed), undefined, `accepted ${JSON.stringify(malformed.slice(0, 20))}`);
    }
  });

  it('lists and gets records, by tenant, without key material', async () => {
    const { id } = await store.create({ ...input, tenant: 'listed-tenant' });
    assert.deepEqual(
      store.list('listed-tenant').map((r) => r.id),
      [id],
    );
    assert.ok(store.list().some((r) => r.id === id));
    assert.equal(store.get(id)?.tenant, 'listed-tenant');
    assert.equal(store.get('000000000000'), undefined);
    assert.ok(!JSON.stringify(store.list()).includes('hash'));
  });

  it('other replicas see new keys and revocations through their watch', async () => {
    const early = await replica(); // watching before the key exists
    const { id, key } = await store.create({ ...input, name: 'Shared key' });
    const late = await replica(); // lists after the key exists

    assert.ok(late.verify(key), 'a replica started later does not know the key from its list');
    await waitFor(async () => early.verify(key), {
      what: 'the watching replica to see the new key',
      timeoutMs: 15000,
    });
    assert.equal(early.get(id)?.name, 'Shared key');

    assert.equal(await store.revoke(id), true);
    assert.equal(store.verify(key), undefined, 'the revoking replica still accepts the key');
    assert.equal(store.get(id), undefined);
    for (const [which, other] of [
      ['early', early],
      ['late', late],
    ] as const) {
      await waitFor(async () => other.verify(key) === undefined && other.get(id) === undefined, {
        what: `the ${which} replica to see the revocation`,
        timeoutMs: 15000,
      });
    }
    assert.equal(await store.revoke(id), false, 'revoking twice');
    assert.equal(await store.revoke('0123456789ab'), false, 'an unknown id');
    assert.equal(await store.revoke('../../etc'), false, 'a malformed id');
  });

  it('bad input throws a TypeError naming the field and creates nothing', async () => {
    const before = (await keySecrets()).length;
    const cases: [string, Partial<NewApiKey>][] = [
      ['tenant', { tenant: 'Not_A_Name' }],
      ['tenant', { tenant: '' }],
      ['tenant', { tenant: 'a'.repeat(64) }],
      ['name', { name: '' }],
      ['name', { name: '   ' }],
      ['name', { name: 'x'.repeat(129) }],
      ['name', { name: 'line\nbreak' }],
      ['scopes', { scopes: [] }],
      ['scopes', { scopes: ['sites:read', 'sites:write'] as never }],
      ['createdBy', { createdBy: '' }],
    ];
    for (const [field, change] of cases) {
      await assert.rejects(
        store.create({ ...input, ...change }),
        (error: unknown) => error instanceof TypeError && error.message.startsWith(`${field} `),
        `${field}: ${JSON.stringify(change).slice(0, 60)}`,
      );
    }
    assert.equal((await keySecrets()).length, before);
    // The limits themselves are allowed.
    const edge = await store.create({ ...input, tenant: 'a'.repeat(63), name: 'é'.repeat(128) });
    assert.equal(edge.record.name.length, 128);
  });

  it('a replica whose watch drops catches up on revocations once the hub is reachable again', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'api-keys-proxy-'));
    const server = new URL(client.server);
    const proxy = new CuttableProxy(`http://${server.host}`);
    await proxy.restore();
    const kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(
      kubeconfig,
      readFileSync(hub.kubeconfig, 'utf8').replace(server.host, `127.0.0.1:${proxy.port}`),
    );
    try {
      const viaProxy = connect(kubeconfig);
      const distant = await replica(viaProxy);
      const { key } = await store.create({ ...input, name: 'Revoked during an outage' });
      await waitFor(async () => distant.verify(key), {
        what: 'the distant replica to see the key',
        timeoutMs: 15000,
      });

      await proxy.cut();
      await waitFor(async () => !distant.synced, {
        what: 'the distant replica to notice the outage',
        timeoutMs: 15000,
      });
      await assert.rejects(new ApiKeyStore(viaProxy, namespace).start(), /cannot list Secrets/);
      const revoked = store.list().find((r) => r.name === 'Revoked during an outage');
      assert.ok(revoked && (await store.revoke(revoked.id)));
      assert.ok(distant.verify(key), 'the distant replica cannot have heard of the revocation yet');

      await proxy.restore();
      await waitFor(async () => distant.synced && distant.verify(key) === undefined, {
        what: 'the distant replica to restart its watch and see the revocation',
        timeoutMs: 30000,
      });
    } finally {
      await proxy.cut();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
