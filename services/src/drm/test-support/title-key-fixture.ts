/**
 * For the data plane's integration tests: a ContentTitle on a real kube-apiserver and its key
 * Secret written as the DRM key controller writes it (records sealed under a test KEK), so the
 * license service and the packager read keys the way they do in the fleet. `write` replaces the
 * key records (a rotation or a revocation); plaintext stays with the test, by key id.
 */
import { randomBytes } from 'node:crypto';
import { type KubeClient, serverSideApply } from '@smart-fleet/kube';
import { type ContentTitleSpec, GROUP_VERSION } from '@smart-fleet/model';
import { type SealedKey, sealContentKey } from '../envelope.ts';
import type { KeyRecord } from '../key-plan.ts';
import { buildKeySecret, contentKeyContext, keySecretName } from '../key-secret.ts';

export const FIXTURE_KEK_ID = 'kek-1';
const HOUR_MS = 3600_000;

export interface TitleKeyFixture {
  uid: string;
  /** The test KEK ring, as the license service or packager is given it. */
  keks: ReadonlyMap<string, Buffer>;
  /** Content keys by key id (a record written without one gets a fresh random key). */
  plaintext: Map<string, Buffer>;
  write(records: readonly KeyRecord[]): Promise<void>;
}

/** A title-scoped key record of `state`, made `hoursAgo`. */
export function keyRecord(title: string, keyId: string, state: KeyRecord['state'], hoursAgo = 1): KeyRecord {
  const at = new Date(Date.now() - hoursAgo * HOUR_MS).toISOString();
  const base = { keyId, scope: 'title' as const, target: title, createdAt: at, state };
  return state === 'retired'
    ? { ...base, retiredAt: at }
    : state === 'revoked'
      ? { ...base, revokedAt: at }
      : base;
}

export async function titleKeyFixture(o: {
  client: KubeClient;
  namespace: string;
  title: string;
  spec: ContentTitleSpec;
  policy?: { name: string; algorithm: 'AES-128-CBC' | 'AES-128-CTR' };
  /** Where plaintext is kept (the test's own map, if it has one). */
  plaintext?: Map<string, Buffer>;
  kek?: Buffer;
}): Promise<TitleKeyFixture> {
  const { client, namespace, title } = o;
  const kek = o.kek ?? randomBytes(32);
  const plaintext = o.plaintext ?? new Map<string, Buffer>();
  const applied = (await serverSideApply(
    client,
    {
      apiVersion: GROUP_VERSION,
      kind: 'ContentTitle',
      metadata: { name: title, namespace },
      spec: o.spec,
    } as never,
    { fieldManager: 'title-key-fixture' },
  )) as { metadata: { uid?: string } };
  const uid = applied.metadata.uid ?? '';
  return {
    uid,
    keks: new Map([[FIXTURE_KEK_ID, kek]]),
    plaintext,
    async write(records) {
      const sealed = new Map<string, SealedKey>();
      for (const r of records.filter((k) => k.state !== 'revoked')) {
        const contentKey = plaintext.get(r.keyId) ?? randomBytes(16);
        plaintext.set(r.keyId, contentKey);
        const context = contentKeyContext({ namespace, title, key: r });
        sealed.set(r.keyId, sealContentKey({ kek, kekId: FIXTURE_KEK_ID, contentKey, context }));
      }
      const body = buildKeySecret({
        title: { name: title, namespace, uid, owner: o.spec.owner },
        policy: o.policy ?? { name: 'premium', algorithm: 'AES-128-CTR' },
        keys: records,
        sealed,
      });
      const name = keySecretName(title);
      const live = await client.core.readNamespacedSecret({ name, namespace }).catch(() => undefined);
      await (live
        ? client.core.replaceNamespacedSecret({
            name,
            namespace,
            body: {
              ...body,
              metadata: { ...body.metadata, resourceVersion: live.metadata?.resourceVersion },
            },
          })
        : client.core.createNamespacedSecret({ namespace, body }));
    },
  };
}
