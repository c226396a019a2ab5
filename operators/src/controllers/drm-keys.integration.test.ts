import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { RbacAuthorizationV1Api } from '@kubernetes/client-node';
import { serverSideApply, silentLogger, waitFor } from '@smart-fleet/kube';
import { GROUP_VERSION } from '@smart-fleet/model';
import {
  contentKeyContext,
  keySecretName,
  openContentKey,
  parseKeySecret,
  type StoredKey,
} from '@smart-fleet/services';
import { accessReviews } from '../../../test/support/access-review.ts';
import { type TestHub, testHub, uniqueNamespace } from '../../../test/support/test-hub.ts';
import { type Manager, startManager } from '../manager.ts';
import { REVOKE_ANNOTATION } from './drm-keys.ts';
import {
  grantKeyReaders,
  LICENSE_READER_ROLE,
  LICENSE_SERVICE_ACCOUNT,
  PACKAGER_SERVICE_ACCOUNT,
} from './license-service-access.ts';

const DAY = 24 * 3600 * 1000;

describe('DRM content keys against a real kube-apiserver', () => {
  let hub: TestHub;
  let manager: Manager;
  const namespace = uniqueNamespace('drm');
  const kek = randomBytes(32);
  const keks = new Map([['kek-1', kek]]);
  let clock = Date.now();
  let ticks = 0;

  const title = (annotations: Record<string, string> = {}) => ({
    apiVersion: GROUP_VERSION,
    kind: 'ContentTitle',
    metadata: {
      name: 'hd-documentary',
      namespace,
      annotations: { ...annotations, 'test/tick': String(ticks++) },
    },
    spec: {
      owner: 'public-broadcaster',
      drmPolicy: 'premium',
      mpeg7: {
        title: 'Seoul by night',
        genre: ['documentary'],
        creators: [],
        language: 'ko',
        durationSeconds: 3600,
      },
      renditions: [
        { name: 'hd-20m', codec: 'H.264', bitrateMbps: 20, sizeMB: 9000 },
        { name: 'sd-4m', codec: 'MPEG-2', bitrateMbps: 4, sizeMB: 1800 },
      ],
    },
  });
  const keys = async (): Promise<StoredKey[]> => {
    const secret = await hub.client.core.readNamespacedSecret({
      name: keySecretName('hd-documentary'),
      namespace,
    });
    return parseKeySecret(secret).keys;
  };
  const until = (what: string, check: (k: StoredKey[]) => boolean) =>
    waitFor(
      async () => {
        const k = await keys().catch(() => undefined);
        return k && check(k) && k;
      },
      { what, timeoutMs: 20000, intervalMs: 200 },
    );
  const count = (k: StoredKey[], state: string) => k.filter((x) => x.state === state).length;

  const rbac = () => hub.client.kc.makeApiClient(RbacAuthorizationV1Api);
  const subjectsOf = async (ns: string) =>
    ((await rbac().readNamespacedRoleBinding({ name: LICENSE_READER_ROLE, namespace: ns })).subjects ?? [])
      .map((s) => `${s.kind}:${s.namespace}:${s.name}`)
      .sort();
  const readers = (ns: string) =>
    [LICENSE_SERVICE_ACCOUNT, PACKAGER_SERVICE_ACCOUNT].map((name) => `ServiceAccount:${ns}:${name}`).sort();

  before(async () => {
    hub = await testHub();
    await hub.client.core.createNamespace({ body: { metadata: { name: namespace } } });
    // The binding as operators before the packager made it: the license service alone.
    await rbac().createNamespacedRoleBinding({
      namespace,
      body: {
        metadata: { name: LICENSE_READER_ROLE, namespace },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: LICENSE_READER_ROLE },
        subjects: [{ kind: 'ServiceAccount', name: LICENSE_SERVICE_ACCOUNT, namespace }],
      },
    });
    await serverSideApply(
      hub.client,
      {
        apiVersion: GROUP_VERSION,
        kind: 'DrmPolicy',
        metadata: { name: 'premium', namespace },
        spec: { keyScope: 'per-rendition', rotationDays: 1, licenseDurationHours: 2 },
      } as never,
      { fieldManager: 'test' },
    );
    manager = await startManager({
      client: hub.client,
      namespace,
      log: silentLogger,
      drm: { activeId: 'kek-1', keks },
      now: () => new Date(clock),
    });
    await serverSideApply(hub.client, title() as never, { fieldManager: 'test' });
  });

  after(async () => {
    await manager?.stop();
  });

  it('makes one sealed key per rendition; the Secret holds no plaintext key', async () => {
    const k = await until('two active keys', (x) => count(x, 'active') === 2);
    assert.deepEqual(k.map((x) => x.target).sort(), ['hd-20m', 'sd-4m']);
    const secret = await hub.client.core.readNamespacedSecret({
      name: keySecretName('hd-documentary'),
      namespace,
    });
    // The license service checks entitlements' tenant against this, not against the title.
    assert.equal(parseKeySecret(secret).tenant, 'public-broadcaster');
    const raw = JSON.stringify(secret) + Buffer.from(secret.data?.['keys.json'] ?? '', 'base64').toString();
    for (const key of k) {
      assert.ok(key.sealed, 'a live key without sealed material');
      const plain = openContentKey({
        keks,
        sealed: key.sealed,
        context: contentKeyContext({ namespace, title: 'hd-documentary', key }),
      });
      assert.equal(plain.length, 16);
      for (const form of [plain.toString('hex'), plain.toString('base64'), plain.toString('base64url')]) {
        assert.ok(!raw.includes(form), 'plaintext key material in the Secret');
      }
    }
  });

  it('rotates keys older than rotationDays and keeps the old ones retired for issued licenses', async () => {
    clock += DAY + 60000;
    await serverSideApply(hub.client, title() as never, { fieldManager: 'test' });
    const k = await until('rotation', (x) => count(x, 'active') === 2 && count(x, 'retired') === 2);
    assert.equal(k.length, 4);
    clock += 3 * 3600 * 1000; // past licenseDurationHours: retired keys go
    await serverSideApply(hub.client, title() as never, { fieldManager: 'test' });
    await until('retired keys deleted', (x) => x.length === 2 && count(x, 'active') === 2);
  });

  it('revokes a key on request and replaces it', async () => {
    const victim = (await keys()).find((x) => x.state === 'active');
    assert.ok(victim);
    await serverSideApply(hub.client, title({ [REVOKE_ANNOTATION]: victim.keyId }) as never, {
      fieldManager: 'test',
    });
    const k = await until('revocation', (x) =>
      x.some((y) => y.keyId === victim.keyId && y.state === 'revoked'),
    );
    assert.equal(count(k, 'active'), 2, 'the revoked key was not replaced');
    assert.equal(
      k.find((y) => y.keyId === victim.keyId)?.sealed,
      undefined,
      'a revoked key kept its material',
    );
  });

  it('brings the existing binding to both key readers: the license service and the packager', async () => {
    assert.deepEqual(await subjectsOf(namespace), readers(namespace));
    const binding = await rbac().readNamespacedRoleBinding({ name: LICENSE_READER_ROLE, namespace });
    assert.equal(binding.roleRef.name, LICENSE_READER_ROLE);
  });

  it('lets only the key readers read the key Secret, and nothing else', async () => {
    const reviews = accessReviews(hub.client);
    const secret = (verb: string, name?: string) => ({ namespace, verb, resource: 'secrets', name });
    for (const account of [LICENSE_SERVICE_ACCOUNT, PACKAGER_SERVICE_ACCOUNT]) {
      const reader = { user: `system:serviceaccount:${namespace}:${account}` };
      assert.ok(
        await reviews.eventuallyAllowed(reader, secret('get', keySecretName('hd-documentary'))),
        `${account} may get the key Secret`,
      );
      assert.equal(await reviews.allowedNow(reader, secret('get', 'some-other-secret')), false, account);
      assert.equal(await reviews.allowedNow(reader, secret('list')), false, account);
      assert.equal(await reviews.allowedNow(reader, secret('watch')), false, account);
    }
    const other = { user: `system:serviceaccount:${namespace}:default` };
    assert.equal(await reviews.allowedNow(other, secret('get', keySecretName('hd-documentary'))), false);
  });

  it('makes the binding with both readers where there is none, under concurrent key writes', async () => {
    const fresh = uniqueNamespace('drm-grant');
    await hub.client.core.createNamespace({ body: { metadata: { name: fresh } } });
    try {
      const secrets = ['a-drm-keys', 'b-drm-keys', 'c-drm-keys'];
      // Three titles' keys written at once: creates race (409) and are read again, not lost.
      await Promise.all(secrets.map((name) => grantKeyReaders(hub.client, fresh, name)));
      assert.deepEqual(await subjectsOf(fresh), readers(fresh));
      const role = await rbac().readNamespacedRole({ name: LICENSE_READER_ROLE, namespace: fresh });
      assert.deepEqual(role.rules?.[0]?.resourceNames, secrets);
      // Again, with nothing to change: the binding is left as it is.
      const read = () => rbac().readNamespacedRoleBinding({ name: LICENSE_READER_ROLE, namespace: fresh });
      const first = await read();
      await grantKeyReaders(hub.client, fresh, 'a-drm-keys');
      assert.equal((await read()).metadata?.resourceVersion, first.metadata?.resourceVersion);
    } finally {
      await hub.client.core.deleteNamespace({ name: fresh }).catch(() => undefined);
    }
  });
});
