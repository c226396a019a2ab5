/**
 * The content-key lifecycle of one title as pure arithmetic: which keys to create, rotate, retire,
 * revoke and delete, given its DrmPolicy, its renditions, the key records it has and the time.
 * Nothing here talks to Kubernetes or holds key bytes; the controller generates a content key
 * (newContentKey) for each create/rotate action, seals it, and stores the records this plan
 * produces. Keeping it pure makes every rule testable with a fixed clock.
 *
 * Rules:
 * - one active key per target: the title (keyScope per-title) or each rendition (per-rendition);
 * - an active key is rotated once it is rotationDays old: a new active key, the old one retired;
 * - a retired key is kept licenseDurationHours after retirement, because licenses issued before
 *   the rotation carry it and must keep playing until they expire; then it is deleted;
 * - a revoked key is revoked at once (whatever its state), replaced if it was active, never
 *   rotated, retired or reused; its record stays as a tombstone so the revocation is on file.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { DrmPolicySpec } from '@smart-fleet/model';

/** AES-128 (both policy algorithms, AES-128-CBC and AES-128-CTR) takes 16-byte keys. */
export const CONTENT_KEY_BYTES = 16;
const HOUR_MS = 3600 * 1000;
const DAY_MS = 24 * HOUR_MS;

export type KeyState = 'active' | 'retired' | 'revoked';
export type KeyScope = 'title' | 'rendition';

/** What the lifecycle knows of a key; no key material. Timestamps are ISO 8601 (they are stored). */
export interface KeyRecord {
  keyId: string;
  scope: KeyScope;
  /** The title's name (scope title) or the rendition's name (scope rendition). */
  target: string;
  createdAt: string;
  state: KeyState;
  retiredAt?: string;
  revokedAt?: string;
}

export interface KeyTarget {
  scope: KeyScope;
  target: string;
}

export type KeyAction =
  | (KeyTarget & { type: 'create'; keyId: string; reason: 'missing' | 'replaces-revoked' })
  | (KeyTarget & { type: 'rotate'; keyId: string; retires: string })
  | (KeyTarget & { type: 'revoke'; keyId: string })
  | (KeyTarget & { type: 'retire'; keyId: string; reason: 'target-removed' | 'superseded' })
  | (KeyTarget & { type: 'delete'; keyId: string });

export interface TitleRef {
  name: string;
  renditions: readonly string[];
}

export type LifecyclePolicy = Pick<DrmPolicySpec, 'keyScope' | 'rotationDays' | 'licenseDurationHours'>;

export interface PlanOptions {
  policy: LifecyclePolicy;
  title: TitleRef;
  keys: readonly KeyRecord[];
  now: Date;
  /** keyIds to revoke now (e.g. a leaked key); ids the title does not have are reported back. */
  revoked?: ReadonlySet<string>;
  /** Injected so tests get stable ids; defaults to newKeyId. */
  newKeyId?: () => string;
}

export interface KeyPlan {
  actions: KeyAction[];
  /** The records once the actions are applied: what the Secret should hold next. */
  keys: KeyRecord[];
  /** When the earliest active key (after the actions) falls due for rotation. */
  nextRotationAt?: Date;
  /** When the earliest retired key (after the actions) may be deleted. */
  nextDeletionAt?: Date;
  /** The earlier of the two: when to requeue the title, absent when no key has a deadline. */
  requeueAt?: Date;
  /** Requested revocations naming no key of this title, for an Event rather than silence. */
  unknownRevocations: string[];
}

/** A fresh random content key; the only place key bytes are made. */
export function newContentKey(): Buffer {
  return randomBytes(CONTENT_KEY_BYTES);
}

/** A key ID (KID) as packagers use them: 16 random bytes in UUID form. */
export function newKeyId(): string {
  return randomUUID();
}

const KEY_ID_FORMS = /^([0-9a-f]{8})-?([0-9a-f]{4})-?([0-9a-f]{4})-?([0-9a-f]{4})-?([0-9a-f]{12})$/i;

/**
 * A key ID as written anywhere (UUID form, or its 32 hex digits as HLS URIs and ClearKey tools
 * write it, either case) in the one form records and tokens use: lower-case UUID. Undefined
 * when it is not a key ID.
 */
export function normalizeKeyId(text: string): string | undefined {
  const parts = KEY_ID_FORMS.exec(text);
  return parts ? parts.slice(1).join('-').toLowerCase() : undefined;
}

/** The 16 bytes a key ID stands for (ClearKey's `kid`, CENC's default_KID). */
export function keyIdBytes(keyId: string): Buffer {
  const id = normalizeKeyId(keyId);
  if (!id) {
    throw new Error(`${JSON.stringify(keyId.slice(0, 40))} is not a key id`);
  }
  return Buffer.from(id.replace(/-/g, ''), 'hex');
}

function time(record: KeyRecord, field: 'createdAt' | 'retiredAt' | 'revokedAt'): number {
  const value = record[field];
  const ms = value === undefined ? Number.NaN : Date.parse(value);
  if (Number.isNaN(ms)) {
    throw new Error(`key ${record.keyId}: ${field} is missing or not a timestamp (${String(value)})`);
  }
  return ms;
}

function checkRecords(keys: readonly KeyRecord[]): void {
  const seen = new Set<string>();
  for (const key of keys) {
    if (seen.has(key.keyId)) {
      throw new Error(`key ${key.keyId} appears twice in the title's key records`);
    }
    seen.add(key.keyId);
    time(key, 'createdAt');
    if (key.state === 'retired') {
      // Without it the license window of a retired key cannot be computed.
      time(key, 'retiredAt');
    }
  }
}

export function desiredTargets(policy: LifecyclePolicy, title: TitleRef): KeyTarget[] {
  if (policy.keyScope === 'per-title') {
    return [{ scope: 'title', target: title.name }];
  }
  return [...new Set(title.renditions)].map((target) => ({ scope: 'rendition', target }));
}

const targetKey = (t: KeyTarget): string => `${t.scope}:${t.target}`;

function newerFirst(a: KeyRecord, b: KeyRecord): number {
  return time(b, 'createdAt') - time(a, 'createdAt') || a.keyId.localeCompare(b.keyId);
}

interface PlanContext {
  options: PlanOptions;
  actions: KeyAction[];
  usedIds: Set<string>;
}

function freshKeyId(ctx: PlanContext): string {
  const keyId = (ctx.options.newKeyId ?? newKeyId)();
  // Key IDs are never reused: a license or packaged segment naming an old KID must not resolve
  // to a new key.
  if (ctx.usedIds.has(keyId)) {
    throw new Error(`key id generator returned ${keyId}, which this title already used`);
  }
  ctx.usedIds.add(keyId);
  return keyId;
}

function planRevocations(ctx: PlanContext): Set<string> {
  const revokedNow = new Set<string>();
  for (const key of ctx.options.keys) {
    if (ctx.options.revoked?.has(key.keyId) && key.state !== 'revoked') {
      ctx.actions.push({ type: 'revoke', keyId: key.keyId, scope: key.scope, target: key.target });
      revokedNow.add(key.keyId);
    }
  }
  return revokedNow;
}

/** One desired target: keep its newest active key (rotating it when due) or create one. */
function planTarget(ctx: PlanContext, target: KeyTarget, active: KeyRecord[], hadRevoked: boolean): void {
  const [current, ...older] = [...active].sort(newerFirst);
  for (const extra of older) {
    ctx.actions.push({ type: 'retire', keyId: extra.keyId, ...target, reason: 'superseded' });
  }
  if (!current) {
    const reason = hadRevoked ? 'replaces-revoked' : 'missing';
    ctx.actions.push({ type: 'create', keyId: freshKeyId(ctx), ...target, reason });
    return;
  }
  const dueAt = time(current, 'createdAt') + ctx.options.policy.rotationDays * DAY_MS;
  if (dueAt <= ctx.options.now.getTime()) {
    ctx.actions.push({ type: 'rotate', keyId: freshKeyId(ctx), ...target, retires: current.keyId });
  }
}

function groupActive(keys: readonly KeyRecord[], revokedNow: ReadonlySet<string>): Map<string, KeyRecord[]> {
  const byTarget = new Map<string, KeyRecord[]>();
  for (const key of keys) {
    if (key.state === 'active' && !revokedNow.has(key.keyId)) {
      const group = byTarget.get(targetKey(key)) ?? [];
      group.push(key);
      byTarget.set(targetKey(key), group);
    }
  }
  return byTarget;
}

function planTargets(ctx: PlanContext, revokedNow: ReadonlySet<string>): void {
  const { policy, title, keys } = ctx.options;
  const desired = desiredTargets(policy, title);
  const wanted = new Set(desired.map(targetKey));
  const byTarget = groupActive(keys, revokedNow);
  // Keys of renditions that are gone (or of the other scope after a policy change) are retired,
  // not deleted: licenses already issued with them stay playable for their duration.
  for (const [key, group] of byTarget) {
    if (!wanted.has(key)) {
      for (const k of group) {
        ctx.actions.push({
          type: 'retire',
          keyId: k.keyId,
          scope: k.scope,
          target: k.target,
          reason: 'target-removed',
        });
      }
    }
  }
  for (const target of desired) {
    const hadRevoked = keys.some((k) => revokedNow.has(k.keyId) && targetKey(k) === targetKey(target));
    planTarget(ctx, target, byTarget.get(targetKey(target)) ?? [], hadRevoked);
  }
}

function planDeletions(ctx: PlanContext, revokedNow: ReadonlySet<string>): void {
  const { keys, policy, now } = ctx.options;
  for (const key of keys) {
    if (key.state !== 'retired' || revokedNow.has(key.keyId)) {
      continue;
    }
    if (time(key, 'retiredAt') + policy.licenseDurationHours * HOUR_MS <= now.getTime()) {
      ctx.actions.push({ type: 'delete', keyId: key.keyId, scope: key.scope, target: key.target });
    }
  }
}

export interface ApplyOptions {
  keys: readonly KeyRecord[];
  actions: readonly KeyAction[];
  now: Date;
}

function activeKey(action: KeyTarget & { keyId: string }, at: string): KeyRecord {
  return { keyId: action.keyId, scope: action.scope, target: action.target, createdAt: at, state: 'active' };
}

function applyOne(records: Map<string, KeyRecord>, action: KeyAction, at: string): void {
  const subject = action.type === 'rotate' ? action.retires : action.keyId;
  const existing = records.get(subject);
  if (action.type !== 'create' && !existing) {
    throw new Error(`${action.type} names key ${subject}, which the title does not have`);
  }
  switch (action.type) {
    case 'create':
      records.set(action.keyId, activeKey(action, at));
      return;
    case 'rotate':
      records.set(subject, { ...(existing as KeyRecord), state: 'retired', retiredAt: at });
      records.set(action.keyId, activeKey(action, at));
      return;
    case 'retire':
      records.set(subject, { ...(existing as KeyRecord), state: 'retired', retiredAt: at });
      return;
    case 'revoke':
      records.set(subject, { ...(existing as KeyRecord), state: 'revoked', revokedAt: at });
      return;
    case 'delete':
      records.delete(subject);
      return;
  }
}

/** The records after the actions, in their original order with new keys last; the input is untouched. */
export function applyKeyActions(options: ApplyOptions): KeyRecord[] {
  const records = new Map(options.keys.map((k) => [k.keyId, { ...k }]));
  const at = options.now.toISOString();
  for (const action of options.actions) {
    applyOne(records, action, at);
  }
  return [...records.values()];
}

function earliest(times: number[]): Date | undefined {
  return times.length > 0 ? new Date(Math.min(...times)) : undefined;
}

function schedule(
  policy: LifecyclePolicy,
  keys: readonly KeyRecord[],
): Omit<KeyPlan, 'actions' | 'keys' | 'unknownRevocations'> {
  const rotations = keys
    .filter((k) => k.state === 'active')
    .map((k) => time(k, 'createdAt') + policy.rotationDays * DAY_MS);
  const deletions = keys
    .filter((k) => k.state === 'retired')
    .map((k) => time(k, 'retiredAt') + policy.licenseDurationHours * HOUR_MS);
  return {
    nextRotationAt: earliest(rotations),
    nextDeletionAt: earliest(deletions),
    requeueAt: earliest([...rotations, ...deletions]),
  };
}

/** Plans the title's key lifecycle at `now`; pure apart from the key-id generator. */
export function planKeys(options: PlanOptions): KeyPlan {
  if (Number.isNaN(options.now.getTime())) {
    throw new Error('planKeys: now is not a valid date');
  }
  checkRecords(options.keys);
  const ctx: PlanContext = { options, actions: [], usedIds: new Set(options.keys.map((k) => k.keyId)) };
  const revokedNow = planRevocations(ctx);
  planTargets(ctx, revokedNow);
  planDeletions(ctx, revokedNow);
  const keys = applyKeyActions({ keys: options.keys, actions: ctx.actions, now: options.now });
  const unknownRevocations = [...(options.revoked ?? [])].filter(
    (id) => !options.keys.some((k) => k.keyId === id),
  );
  return { actions: ctx.actions, keys, ...schedule(options.policy, keys), unknownRevocations };
}
