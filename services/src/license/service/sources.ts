/**
 * Where the license service's secrets come from, in order of precedence:
 * - the KEK: --kek-file, else SMART_FLEET_DRM_KEK (+ SMART_FLEET_DRM_KEK_ID), else, in a pod,
 *   the Secret SMART_FLEET_DRM_KEK_SECRET of its own namespace (`kek`, `kek-id`), as
 *   stacks/wide-area/license-service.ts deploys it: read through the API, never put in the
 *   process environment;
 * - the hub: --kubeconfig, else the Secret SMART_FLEET_HUB_ACCESS_SECRET (`kubeconfig`, the
 *   hub's `drm-license-service` identity), else KUBECONFIG or the local hub;
 * - the hub's public entitlement keys: --entitlement-keys FILE, else SMART_FLEET_ENTITLEMENT_JWKS.
 * Values are never echoed in errors.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect, type KubeClient } from '@smart-fleet/kube';
import { parseKek } from '../../drm/envelope.ts';
import { type KekRing, kekFromEnvironment } from '../../drm/kek-source.ts';
import { type EntitlementKeys, entitlementKeys } from '../entitlement-keys.ts';

export interface SourceFlags {
  kubeconfig?: string;
  kekFile?: string;
  entitlementKeys?: string;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** A value of a Secret in the pod's own namespace (in-cluster credentials). */
async function podSecretValue(env: NodeJS.ProcessEnv, secret: string, key: string): Promise<string> {
  const namespace = env.POD_NAMESPACE;
  if (!namespace) {
    throw new ConfigError(`reading Secret ${secret} needs POD_NAMESPACE (the pod's namespace)`);
  }
  const read = await connect().core.readNamespacedSecret({ name: secret, namespace });
  const value = read.data?.[key];
  if (value === undefined) {
    throw new ConfigError(`Secret ${namespace}/${secret} has no ${key}`);
  }
  return Buffer.from(value, 'base64').toString('utf8');
}

export async function loadKek(flags: SourceFlags, env: NodeJS.ProcessEnv): Promise<KekRing> {
  const id = env.SMART_FLEET_DRM_KEK_ID ?? 'kek-1';
  if (flags.kekFile) {
    return { activeId: id, keks: new Map([[id, parseKek(readFileSync(flags.kekFile, 'utf8'))]]) };
  }
  const fromEnv = kekFromEnvironment(env);
  if (fromEnv) {
    return fromEnv;
  }
  const secret = env.SMART_FLEET_DRM_KEK_SECRET;
  if (!secret) {
    throw new ConfigError('no KEK: give --kek-file, SMART_FLEET_DRM_KEK or SMART_FLEET_DRM_KEK_SECRET');
  }
  const kekId = (await podSecretValue(env, secret, 'kek-id').catch(() => id)).trim();
  return { activeId: kekId, keks: new Map([[kekId, parseKek(await podSecretValue(env, secret, 'kek'))]]) };
}

export async function hubClient(
  flags: SourceFlags,
  env: NodeJS.ProcessEnv,
  scratch: string,
): Promise<KubeClient> {
  if (flags.kubeconfig) {
    return connect(flags.kubeconfig);
  }
  const secret = env.SMART_FLEET_HUB_ACCESS_SECRET;
  if (!secret) {
    return connect();
  }
  const file = join(scratch, 'hub-kubeconfig');
  writeFileSync(file, await podSecretValue(env, secret, 'kubeconfig'), { mode: 0o600 });
  return connect(file);
}

export function loadEntitlementKeys(flags: SourceFlags, env: NodeJS.ProcessEnv): EntitlementKeys {
  const text = flags.entitlementKeys
    ? readFileSync(flags.entitlementKeys, 'utf8')
    : env.SMART_FLEET_ENTITLEMENT_JWKS;
  if (!text) {
    throw new ConfigError(
      'no entitlement keys: give --entitlement-keys FILE or SMART_FLEET_ENTITLEMENT_JWKS',
    );
  }
  let set: unknown;
  try {
    set = JSON.parse(text);
  } catch {
    throw new ConfigError('the entitlement key set is not JSON (a JSON Web Key Set: {"keys": [...]})');
  }
  return entitlementKeys(set);
}
