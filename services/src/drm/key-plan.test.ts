import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  applyKeyActions,
  CONTENT_KEY_BYTES,
  type KeyRecord,
  keyIdBytes,
  type LifecyclePolicy,
  newContentKey,
  newKeyId,
  normalizeKeyId,
  type PlanOptions,
  planKeys,
} from './key-plan.ts';

const now = new Date('2026-06-01T12:00:00.000Z');
const DAY = 24 * 3600 * 1000;
const HOUR = 3600 * 1000;
const ago = (ms: number): string => new Date(now.getTime() - ms).toISOString();
const after = (ms: number): Date => new Date(now.getTime() + ms);

const perTitle: LifecyclePolicy = { keyScope: 'per-title', rotationDays: 30, licenseDurationHours: 48 };
const perRendition: LifecyclePolicy = { ...perTitle, keyScope: 'per-rendition' };
const title = { name: 'night-train', renditions: ['sd-2m', 'hd-8m', 'uhd-20m'] };

function ids(): () => string {
  let n = 0;
  return () => `new-${++n}`;
}

function plan(options: Partial<PlanOptions>): ReturnType<typeof planKeys> {
  return planKeys({ policy: perTitle, title, keys: [], now, newKeyId: ids(), ...options });
}

const titleKey = (keyId: string, age: number, extra: Partial<KeyRecord> = {}): KeyRecord => ({
  keyId,
  scope: 'title',
  target: 'night-train',
  createdAt: ago(age),
  state: 'active',
  ...extra,
});

const renditionKey = (keyId: string, target: string, age: number): KeyRecord => ({
  keyId,
  scope: 'rendition',
  target,
  createdAt: ago(age),
  state: 'active',
});

describe('planKeys: creating missing keys', () => {
  const cases: { name: string; policy: LifecyclePolicy; targets: string[] }[] = [
    { name: 'per-title creates one key for the title', policy: perTitle, targets: ['title:night-train'] },
    {
      name: 'per-rendition creates one key per rendition',
      policy: perRendition,
      targets: ['rendition:sd-2m', 'rendition:hd-8m', 'rendition:uhd-20m'],
    },
  ];
  for (const { name, policy, targets } of cases) {
    it(name, () => {
      const result = plan({ policy });
      assert.deepEqual(
        result.actions.map((a) => [a.type, `${a.scope}:${a.target}`]),
        targets.map((t) => ['create', t]),
      );
      assert.equal(new Set(result.actions.map((a) => a.keyId)).size, targets.length);
      assert.ok(result.keys.every((k) => k.state === 'active' && k.createdAt === now.toISOString()));
      assert.deepEqual(result.nextRotationAt, after(30 * DAY));
    });
  }

  it('creates only the rendition key that is missing', () => {
    const keys = [renditionKey('a', 'sd-2m', DAY), renditionKey('b', 'hd-8m', DAY)];
    const result = plan({ policy: perRendition, keys });
    assert.deepEqual(result.actions, [
      { type: 'create', keyId: 'new-1', scope: 'rendition', target: 'uhd-20m', reason: 'missing' },
    ]);
  });
});

describe('planKeys: rotation and retirement', () => {
  it('does nothing when every key is fresh, and requeues at the earliest rotation', () => {
    const keys = [
      renditionKey('a', 'sd-2m', 10 * DAY),
      renditionKey('b', 'hd-8m', 3 * DAY),
      renditionKey('c', 'uhd-20m', 0),
    ];
    const result = plan({ policy: perRendition, keys });
    assert.deepEqual(result.actions, []);
    assert.deepEqual(result.keys, keys);
    assert.deepEqual(result.nextRotationAt, after(20 * DAY));
    assert.equal(result.nextDeletionAt, undefined);
    assert.deepEqual(result.requeueAt, after(20 * DAY));
  });

  const ages: { name: string; age: number; rotates: boolean }[] = [
    { name: 'a key a second short of rotationDays is kept', age: 30 * DAY - 1000, rotates: false },
    { name: 'a key exactly rotationDays old is rotated', age: 30 * DAY, rotates: true },
    { name: 'a key older than rotationDays is rotated', age: 45 * DAY, rotates: true },
  ];
  for (const { name, age, rotates } of ages) {
    it(name, () => {
      const result = plan({ keys: [titleKey('old', age)] });
      assert.equal(result.actions.length, rotates ? 1 : 0);
      if (!rotates) {
        assert.deepEqual(result.nextRotationAt, new Date(Date.parse(ago(age)) + 30 * DAY));
        return;
      }
      assert.deepEqual(result.actions[0], {
        type: 'rotate',
        keyId: 'new-1',
        scope: 'title',
        target: 'night-train',
        retires: 'old',
      });
      const byId = new Map(result.keys.map((k) => [k.keyId, k]));
      assert.equal(byId.get('new-1')?.state, 'active');
      assert.equal(byId.get('old')?.state, 'retired');
      assert.equal(byId.get('old')?.retiredAt, now.toISOString());
      // The new key sets the next rotation; the retired one must outlive the longest license.
      assert.deepEqual(result.nextRotationAt, after(30 * DAY));
      assert.deepEqual(result.nextDeletionAt, after(48 * HOUR));
      assert.deepEqual(result.requeueAt, after(48 * HOUR));
    });
  }

  const retired: { name: string; retiredAgo: number; deleted: boolean }[] = [
    { name: 'a retired key within licenseDurationHours is kept', retiredAgo: 47 * HOUR, deleted: false },
    {
      name: 'a retired key exactly licenseDurationHours after retirement is deleted',
      retiredAgo: 48 * HOUR,
      deleted: true,
    },
    { name: 'a retired key past licenseDurationHours is deleted', retiredAgo: 100 * HOUR, deleted: true },
  ];
  for (const { name, retiredAgo, deleted } of retired) {
    it(name, () => {
      const keys = [
        titleKey('current', 2 * DAY),
        titleKey('previous', 40 * DAY, { state: 'retired', retiredAt: ago(retiredAgo) }),
      ];
      const result = plan({ keys });
      assert.deepEqual(
        result.actions,
        deleted ? [{ type: 'delete', keyId: 'previous', scope: 'title', target: 'night-train' }] : [],
      );
      assert.deepEqual(
        result.keys.map((k) => k.keyId),
        deleted ? ['current'] : ['current', 'previous'],
      );
      assert.deepEqual(result.nextDeletionAt, deleted ? undefined : after(HOUR));
      assert.deepEqual(result.requeueAt, deleted ? after(28 * DAY) : after(HOUR));
    });
  }

  it('retires (not deletes) the key of a rendition that was removed', () => {
    const keys = [renditionKey('a', 'sd-2m', DAY), renditionKey('gone', 'mpeg2-4m', DAY)];
    const result = plan({
      policy: perRendition,
      title: { name: 'night-train', renditions: ['sd-2m'] },
      keys,
    });
    assert.deepEqual(result.actions, [
      { type: 'retire', keyId: 'gone', scope: 'rendition', target: 'mpeg2-4m', reason: 'target-removed' },
    ]);
    assert.equal(result.keys.find((k) => k.keyId === 'gone')?.state, 'retired');
  });

  it('moves from per-title to per-rendition keys by retiring the title key', () => {
    const result = plan({ policy: perRendition, keys: [titleKey('t', DAY)] });
    assert.deepEqual(
      result.actions.map((a) => `${a.type} ${a.scope}:${a.target}`),
      [
        'retire title:night-train',
        'create rendition:sd-2m',
        'create rendition:hd-8m',
        'create rendition:uhd-20m',
      ],
    );
  });

  it('keeps the newest of two active keys for one target and retires the other', () => {
    const result = plan({ keys: [titleKey('older', 5 * DAY), titleKey('newer', DAY)] });
    assert.deepEqual(result.actions, [
      { type: 'retire', keyId: 'older', scope: 'title', target: 'night-train', reason: 'superseded' },
    ]);
  });
});

describe('planKeys: revocation', () => {
  it('revokes an active key at once and replaces it instead of rotating it', () => {
    const keys = [titleKey('leaked', 45 * DAY)];
    const result = plan({ keys, revoked: new Set(['leaked']) });
    assert.deepEqual(result.actions, [
      { type: 'revoke', keyId: 'leaked', scope: 'title', target: 'night-train' },
      { type: 'create', keyId: 'new-1', scope: 'title', target: 'night-train', reason: 'replaces-revoked' },
    ]);
    const leaked = result.keys.find((k) => k.keyId === 'leaked');
    assert.equal(leaked?.state, 'revoked');
    assert.equal(leaked?.revokedAt, now.toISOString());
  });

  it('revokes a retired key, which then is never deleted or rotated', () => {
    const keys = [
      titleKey('current', DAY),
      titleKey('old', 40 * DAY, { state: 'retired', retiredAt: ago(100 * HOUR) }),
    ];
    const result = plan({ keys, revoked: new Set(['old']) });
    assert.deepEqual(result.actions, [
      { type: 'revoke', keyId: 'old', scope: 'title', target: 'night-train' },
    ]);
  });

  it('leaves an already revoked key alone, long after any deadline', () => {
    const keys = [
      titleKey('current', DAY),
      titleKey('gone', 400 * DAY, { state: 'revoked', revokedAt: ago(300 * DAY) }),
    ];
    for (const revoked of [undefined, new Set(['gone'])]) {
      const result = plan({ keys, revoked });
      assert.deepEqual(result.actions, []);
      assert.deepEqual(result.requeueAt, after(29 * DAY));
    }
  });

  it('never reuses a key id, revoked ones included', () => {
    const keys = [titleKey('gone', 400 * DAY, { state: 'revoked', revokedAt: ago(300 * DAY) })];
    assert.throws(() => plan({ keys, newKeyId: () => 'gone' }), /already used/);
  });

  it('reports revocations naming keys the title does not have', () => {
    const result = plan({ keys: [titleKey('current', DAY)], revoked: new Set(['current', 'elsewhere']) });
    assert.deepEqual(result.unknownRevocations, ['elsewhere']);
  });
});

describe('planKeys: input checks', () => {
  it('refuses a retired key with no retiredAt, since its license window is unknown', () => {
    assert.throws(() => plan({ keys: [titleKey('r', DAY, { state: 'retired' })] }), /key r: retiredAt/);
  });

  it('refuses duplicate key ids', () => {
    assert.throws(() => plan({ keys: [titleKey('x', DAY), titleKey('x', 2 * DAY)] }), /appears twice/);
  });

  it('does not change the records it was given', () => {
    const keys = [
      titleKey('old', 45 * DAY),
      titleKey('gone', DAY, { state: 'retired', retiredAt: ago(100 * HOUR) }),
    ];
    const copy = structuredClone(keys);
    plan({ keys, revoked: new Set(['old']) });
    assert.deepEqual(keys, copy);
  });
});

describe('applyKeyActions', () => {
  it('refuses an action naming a key that does not exist', () => {
    assert.throws(
      () =>
        applyKeyActions({
          keys: [],
          actions: [{ type: 'revoke', keyId: 'nope', scope: 'title', target: 'night-train' }],
          now,
        }),
      /revoke names key nope/,
    );
  });
});

describe('newContentKey / newKeyId', () => {
  it('makes distinct 16-byte AES-128 keys', () => {
    const a = newContentKey();
    const b = newContentKey();
    assert.equal(a.length, CONTENT_KEY_BYTES);
    assert.equal(CONTENT_KEY_BYTES, 16);
    assert.notDeepEqual(a, b);
  });

  it('makes distinct UUID-form key ids', () => {
    const a = newKeyId();
    assert.match(a, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    assert.notEqual(a, newKeyId());
  });
});

describe('normalizeKeyId / keyIdBytes', () => {
  const id = newKeyId();
  const hex = id.replace(/-/g, '');
  it('reads the UUID form and the bare hex form, either case, as the lower-case UUID', () => {
    for (const form of [id, id.toUpperCase(), hex, hex.toUpperCase()]) {
      assert.equal(normalizeKeyId(form), id);
    }
  });

  it('refuses what is not a key id', () => {
    for (const bad of ['', 'not-a-key', `${hex}0`, hex.slice(1), `${id}/../x`, `g${hex.slice(1)}`]) {
      assert.equal(normalizeKeyId(bad), undefined, bad);
      assert.throws(() => keyIdBytes(bad), /is not a key id/);
    }
  });

  it('gives the 16 bytes the id spells', () => {
    const bytes = keyIdBytes(id);
    assert.equal(bytes.length, 16);
    assert.equal(bytes.toString('hex'), hex);
  });
});
