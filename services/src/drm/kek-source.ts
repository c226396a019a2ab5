/**
 * Where the key-encryption key comes from. In a deployment: SMART_FLEET_DRM_KEK (base64 of 32
 * bytes, from a Pulumi secret) and SMART_FLEET_DRM_KEK_ID. For the local hub: a random KEK made
 * once and kept beside the hub's other secrets (mode 0600).
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { KEK_BYTES, parseKek } from './envelope.ts';

/** The key-encryption keys: the active one seals; every one listed can still open. */
export interface KekRing {
  activeId: string;
  keks: ReadonlyMap<string, Buffer>;
}

export function kekFromEnvironment(env: NodeJS.ProcessEnv = process.env): KekRing | undefined {
  const text = env.SMART_FLEET_DRM_KEK;
  if (!text) {
    return undefined;
  }
  const id = env.SMART_FLEET_DRM_KEK_ID ?? 'kek-1';
  return { activeId: id, keks: new Map([[id, parseKek(text)]]) };
}

export function localKek(file: string): KekRing {
  if (!existsSync(file)) {
    writeFileSync(file, randomBytes(KEK_BYTES).toString('base64'), { mode: 0o600 });
  }
  return { activeId: 'local-1', keks: new Map([['local-1', parseKek(readFileSync(file, 'utf8'))]]) };
}
