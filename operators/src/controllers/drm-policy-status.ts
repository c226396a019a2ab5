/**
 * DrmPolicy status: how many content keys a policy governs are active, and when one was last
 * rotated out, summed over its titles. The DRM key controller reads every title's key Secret as
 * it reconciles it and tallies the result here (no second read); a policy's status is written
 * once every title it governs has been tallied, so a restarting leader never shows a partial
 * count. Only DRM_POLICY_STATUS is written.
 */
import type { KubernetesObject } from '@kubernetes/client-node';
import {
  applyStatus,
  Controller,
  type ControllerMetrics,
  type KubeClient,
  type Logger,
  type SharedInformers,
  splitKey,
} from '@smart-fleet/kube';
import { type ContentTitle, type DrmPolicy, drmPolicyKind } from '@smart-fleet/model';
import type { KeyRecord } from '@smart-fleet/services';
import { DRM_POLICY_STATUS } from '../status-owners.ts';

export const DRM_POLICY_STATUS_CONTROLLER = 'drm-policy-status';
const BATCH_MS = 500;

interface TitleKeys {
  policy: string;
  active: number;
  lastRotation?: string;
}

/** Per title (`namespace/name`): its policy and what its key Secret holds. */
export class KeyTally {
  readonly #titles = new Map<string, TitleKeys>();
  #onChange: (policyKey: string) => void = () => {};

  record(titleKey: string, policy: string, keys: readonly KeyRecord[]): void {
    const retired = keys.map((k) => k.retiredAt).filter((t): t is string => t !== undefined);
    this.#titles.set(titleKey, {
      policy,
      active: keys.filter((k) => k.state === 'active').length,
      lastRotation: retired.sort().at(-1),
    });
    this.#onChange(`${splitKey(titleKey).namespace}/${policy}`);
  }

  get(titleKey: string): TitleKeys | undefined {
    return this.#titles.get(titleKey);
  }

  onChange(listener: (policyKey: string) => void): void {
    this.#onChange = listener;
  }
}

interface Deps {
  client: KubeClient;
  informers: SharedInformers;
  log: Logger;
  metrics: ControllerMetrics;
  tally: KeyTally;
}

export function drmPolicyStatusController(deps: Deps): Controller {
  const { client, informers, tally } = deps;
  const policies = informers.for<DrmPolicy & KubernetesObject>('DrmPolicy');
  const titles = informers.for<ContentTitle & KubernetesObject>('ContentTitle');

  const reconcile = async (key: string) => {
    const { namespace, name } = splitKey(key);
    const policy = policies.get(name, namespace);
    if (!policy) {
      return undefined;
    }
    const governed = titles.list(namespace).filter((t) => t.spec.drmPolicy === name);
    const tallied = governed.map((t) => tally.get(`${namespace}/${t.metadata.name}`));
    if (tallied.some((t) => t?.policy !== name)) {
      return undefined; // a title not yet reconciled (or moving policy): its tally queues this again
    }
    const rotations = tallied.map((t) => t?.lastRotation).filter((t): t is string => t !== undefined);
    await applyStatus(client, drmPolicyKind, policy, DRM_POLICY_STATUS, {
      activeKeys: tallied.reduce((sum, t) => sum + (t?.active ?? 0), 0),
      ...(rotations.length > 0 ? { lastRotation: rotations.sort().at(-1) } : {}),
    });
    return undefined;
  };

  const controller = new Controller({
    name: DRM_POLICY_STATUS_CONTROLLER,
    kind: 'DrmPolicy',
    reconcile,
    log: deps.log,
    metrics: deps.metrics,
    workers: 1,
  });
  tally.onChange((policyKey) => controller.queue.addAfter(policyKey, BATCH_MS));
  policies.on('add', (p) =>
    controller.queue.addAfter(`${p.metadata.namespace}/${p.metadata.name}`, BATCH_MS),
  );
  return controller;
}
