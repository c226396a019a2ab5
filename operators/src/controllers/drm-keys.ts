/**
 * DRM key lifecycle: for every ContentTitle under a DrmPolicy, keeps its content keys in a
 * Secret, each sealed under the key-encryption key (envelope encryption: the Secret alone
 * reveals nothing). Keys are created per title or per rendition as the policy says, rotated
 * when older than rotationDays (the old key is kept, retired, for licenseDurationHours so issued
 * licenses still play), and revoked on request (annotation `smartfleet.io/revoke-keys: id,id`).
 * Only the key readers' identities (the license service, the content packager) may read the key
 * Secrets: a Role naming exactly those Secrets is bound to their ServiceAccounts.
 */
import type { KubernetesObject, V1Secret } from '@kubernetes/client-node';
import type { Logger } from '@smart-fleet/kube';
import {
  apiStatusCode,
  Controller,
  type ControllerMetrics,
  type KubeClient,
  objectKey,
  recordEvent,
  type SharedInformers,
  splitKey,
} from '@smart-fleet/kube';
import { API_GROUP, type ContentTitle, type DrmPolicy } from '@smart-fleet/model';
import {
  buildKeySecret,
  contentKeyContext,
  type KekRing,
  type KeyAction,
  keySecretName,
  newContentKey,
  parseKeySecret,
  planKeys,
  type SealedKey,
  sealContentKey,
} from '@smart-fleet/services';
import type { KeyTally } from './drm-policy-status.ts';
import { grantKeyReaders } from './license-service-access.ts';

export const DRM_KEYS = 'drm-keys';
export const REVOKE_ANNOTATION = `${API_GROUP}/revoke-keys`;

interface Deps {
  client: KubeClient;
  informers: SharedInformers;
  log: Logger;
  metrics: ControllerMetrics;
  keks: KekRing;
  /** Where each title's key counts go, for its policy's status. */
  tally?: KeyTally;
  now?: () => Date;
}

type Title = ContentTitle & KubernetesObject;

async function readKeySecret(client: KubeClient, title: Title): Promise<V1Secret | undefined> {
  const name = keySecretName(title.metadata.name);
  return client.core
    .readNamespacedSecret({ name, namespace: title.metadata.namespace ?? '' })
    .catch((e: unknown) => {
      if (apiStatusCode(e) === 404) {
        return undefined;
      }
      throw e;
    });
}

function sealNewKeys(title: Title, actions: readonly KeyAction[], keks: KekRing): Map<string, SealedKey> {
  const kek = keks.keks.get(keks.activeId);
  if (!kek) {
    throw new Error(`the active key-encryption key ${keks.activeId} is not loaded`);
  }
  const sealed = new Map<string, SealedKey>();
  for (const action of actions) {
    if (action.type !== 'create' && action.type !== 'rotate') {
      continue;
    }
    const contentKey = newContentKey();
    const context = contentKeyContext({
      namespace: title.metadata.namespace ?? '',
      title: title.metadata.name,
      key: action,
    });
    sealed.set(action.keyId, sealContentKey({ kek, kekId: keks.activeId, contentKey, context }));
    contentKey.fill(0); // the plaintext lives only as long as sealing takes
  }
  return sealed;
}

async function writeKeySecret(
  client: KubeClient,
  body: V1Secret,
  existing: V1Secret | undefined,
): Promise<void> {
  const namespace = body.metadata?.namespace ?? '';
  if (existing) {
    const metadata = { ...body.metadata, resourceVersion: existing.metadata?.resourceVersion };
    await client.core.replaceNamespacedSecret({
      name: body.metadata?.name ?? '',
      namespace,
      body: { ...body, metadata },
    });
  } else {
    await client.core.createNamespacedSecret({ namespace, body });
  }
}

function summary(actions: readonly KeyAction[]): string {
  const counts = new Map<string, number>();
  for (const a of actions) {
    counts.set(a.type, (counts.get(a.type) ?? 0) + 1);
  }
  // No actions: the Secret was rewritten only to record the title's current owner.
  return [...counts].map(([type, n]) => `${type} ${n}`).join(', ') || 'tenant recorded';
}

function revocations(title: Title): Set<string> {
  return new Set((title.metadata.annotations?.[REVOKE_ANNOTATION] ?? '').split(',').filter(Boolean));
}

/** Come back when the next key falls due (timers cap at about 24 days; resync covers the rest). */
function requeueAt(due: Date | undefined, now: Date): { requeueAfterMs: number } | undefined {
  return due
    ? { requeueAfterMs: Math.max(1000, Math.min(due.getTime() - now.getTime(), 2 ** 31 - 1)) }
    : undefined;
}

export function drmKeysController(deps: Deps): Controller {
  const { client, informers, log, keks } = deps;
  const now = deps.now ?? (() => new Date());
  const titles = informers.for<Title>('ContentTitle');
  const policies = informers.for<DrmPolicy & KubernetesObject>('DrmPolicy');

  /** Writes the planned keys: sealed new ones, the Secret, the key readers' access. */
  const store = async (
    title: Title,
    policy: DrmPolicy,
    plan: ReturnType<typeof planKeys>,
    existing?: V1Secret,
  ) => {
    const { name, namespace = '' } = title.metadata;
    const stored = existing ? parseKeySecret(existing).keys : [];
    const sealed = new Map(stored.flatMap((k) => (k.sealed ? [[k.keyId, k.sealed] as const] : [])));
    for (const [id, s] of sealNewKeys(title, plan.actions, keks)) {
      sealed.set(id, s);
    }
    const body = buildKeySecret({
      title: { name, namespace, uid: title.metadata.uid ?? '', owner: title.spec.owner },
      policy: { name: policy.metadata.name, algorithm: policy.spec.algorithm },
      keys: plan.keys,
      sealed,
    });
    await writeKeySecret(client, body as V1Secret, existing);
    await grantKeyReaders(client, namespace, body.metadata.name);
    log.info('content keys updated', {
      title: `${namespace}/${name}`,
      secret: body.metadata.name,
      actions: summary(plan.actions),
    });
    await recordEvent(client, DRM_KEYS, title, {
      type: 'Normal',
      reason: 'KeysUpdated',
      message: summary(plan.actions),
    });
  };

  /** The title and its policy, when the title is protected and both are there. */
  const protectedTitle = (key: string) => {
    const { namespace, name } = splitKey(key);
    const title = titles.get(name, namespace);
    const policyName = title?.spec.drmPolicy;
    // A deleted title's key Secret goes with it (owner reference).
    const live = title && policyName && !title.metadata.deletionTimestamp ? title : undefined;
    return { title: live, policy: live && policyName ? policies.get(policyName, namespace) : undefined };
  };

  const reconcile = async (key: string) => {
    const { title, policy } = protectedTitle(key);
    if (!title) {
      return undefined;
    }
    if (!policy) {
      return { requeueAfterMs: 30000 }; // the policy may be applied after its titles
    }
    const { name } = title.metadata;
    const existing = await readKeySecret(client, title);
    const stored = existing ? parseKeySecret(existing) : undefined;
    const at = now();
    const plan = planKeys({
      policy: policy.spec,
      title: { name, renditions: title.spec.renditions.map((r) => r.name) },
      keys: stored?.keys ?? [],
      now: at,
      revoked: revocations(title),
    });
    // The license service checks entitlements' tenant against the Secret: keep it the owner's.
    if (plan.actions.length > 0 || (stored && stored.tenant !== title.spec.owner)) {
      await store(title, policy, plan, existing);
    }
    deps.tally?.record(key, policy.metadata.name, plan.keys);
    return requeueAt(plan.requeueAt, at);
  };

  const controller = new Controller({
    name: DRM_KEYS,
    kind: 'ContentTitle',
    reconcile,
    log,
    metrics: deps.metrics,
  });
  const enqueue = (o: KubernetesObject) => controller.queue.add(objectKey(o));
  titles.on('add', enqueue);
  titles.on('update', enqueue);
  informers.onResync('ContentTitle', enqueue);
  const enqueueTitlesOf = (p: KubernetesObject) => {
    for (const t of titles.list(p.metadata?.namespace)) {
      if (t.spec.drmPolicy === p.metadata?.name) {
        enqueue(t);
      }
    }
  };
  policies.on('add', enqueueTitlesOf);
  policies.on('update', enqueueTitlesOf);
  return controller;
}
