import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Repeater } from '@repeaterjs/repeater';
import { GraphQLError } from 'graphql';
import { untilAborted, watchCredential } from './credential-watch.ts';
import type { Principal } from './principal.ts';

const partner: Principal = {
  kind: 'partner',
  id: '0123456789ab',
  tenant: 't',
  scopes: new Set(['sites:read']),
  display: 'k',
};

/** Revocations by key id, as the key store reports them. */
function revocations() {
  const listeners = new Map<string, () => void>();
  return {
    onRevoked(id: string, listener: () => void) {
      listeners.set(id, listener);
      return () => listeners.delete(id);
    },
    revoke: (id: string) => listeners.get(id)?.(),
    listening: (id: string) => listeners.has(id),
  };
}

test('a partner watch aborts when its key is revoked, saying so, and stops listening when told', () => {
  const keys = revocations();
  const watch = watchCredential(partner, keys);
  assert.equal(watch.signal.aborted, false);
  keys.revoke('0123456789ab');
  assert.equal(watch.signal.aborted, true);
  assert.ok(watch.signal.reason instanceof GraphQLError);
  assert.equal(watch.signal.reason.message, 'API key revoked');
  assert.equal(watch.signal.reason.extensions.code, 'UNAUTHENTICATED');
  const other = watchCredential(partner, keys);
  other.stop();
  assert.equal(keys.listening('0123456789ab'), false);
});

test('a staff watch aborts at the expiry (at once for a token already past it); none without one', () => {
  const staff: Principal = { kind: 'staff', id: 's', role: 'noc', display: 's', expiresAt: 1000 };
  const expired = watchCredential(staff, revocations(), () => 2000);
  assert.equal(expired.signal.aborted, true);
  assert.equal((expired.signal.reason as Error).message, 'bearer token expired');
  const later = watchCredential({ ...staff, expiresAt: Date.now() + 60_000 }, revocations());
  assert.equal(later.signal.aborted, false);
  later.stop();
  const forever = watchCredential({ ...staff, expiresAt: undefined }, revocations());
  assert.equal(forever.signal.aborted, false);
});

test('untilAborted passes events on, then yields the last result and returns the source', async () => {
  let released = false;
  let push: (n: number) => unknown = () => undefined;
  const source = new Repeater<number>(async (p, stop) => {
    push = p;
    await stop;
    released = true;
  });
  const controller = new AbortController();
  const stream = untilAborted(source, controller.signal, (reason) => -(reason as number));
  const first = stream.next();
  await new Promise((resolve) => setImmediate(resolve)); // the source has started
  void push(1); // resolves once the value is taken: not awaited here
  assert.deepEqual(await first, { value: 1, done: false });
  const pending = stream.next(); // waiting on the source, which has nothing to say
  controller.abort(7);
  assert.deepEqual(await pending, { value: -7, done: false });
  assert.deepEqual(await stream.next(), { value: undefined, done: true });
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(released, true, "the source's producer let go");
});

test('untilAborted on an already aborted signal yields only the last result', async () => {
  const controller = new AbortController();
  controller.abort('gone');
  const source = new Repeater<number | string>(async (push) => {
    await push(1);
  });
  const seen: (number | string)[] = [];
  for await (const value of untilAborted(source, controller.signal, (reason) => String(reason))) {
    seen.push(value);
  }
  assert.deepEqual(seen, ['gone']);
});
