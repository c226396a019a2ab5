/**
 * Every call has a deadline, against a real kube-apiserver behind a proxy that stalls: a call
 * the server never answers is refused with a RequestTimeoutError naming it, the connection
 * recovers once the path does, a watch outlives the call timeout, and a guard's refusal
 * sends nothing.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { CoordinationV1Api, Watch } from '@kubernetes/client-node';
import { CuttableProxy, kubeconfigThrough } from '../../test/support/cuttable-proxy.ts';
import { type TestHub, testHub, uniqueNamespace } from '../../test/support/test-hub.ts';
import { connect, guardedClient, serverSideApply } from './client.ts';
import { RequestTimeoutError, withTimeout } from './request-timeout.ts';
import { waitFor } from './wait.ts';

const TIMEOUT_MS = 600;
/** Timers fire late on a loaded machine, never early. */
const SLACK_MS = 1000;

describe('request timeouts', () => {
  let hub: TestHub;
  let proxy: CuttableProxy;
  let viaProxy: string;
  const namespace = uniqueNamespace('timeouts');

  const timed = async (call: () => Promise<unknown>) => {
    const started = performance.now();
    const error = await call().then(
      () => undefined,
      (e: unknown) => e,
    );
    return { error, ms: performance.now() - started };
  };

  before(async () => {
    hub = await testHub();
    await hub.client.core.createNamespace({ body: { metadata: { name: namespace } } });
    proxy = new CuttableProxy(hub.client.server);
    await proxy.restore();
    viaProxy = kubeconfigThrough(hub.kubeconfig, proxy);
  });

  after(() => proxy?.cut());

  it('a call the server never answers is refused after the connection’s timeout, naming the call', async () => {
    const client = connect(viaProxy, { requestTimeoutMs: TIMEOUT_MS });
    // The connection up and pooled (this machine's API server can take longer than 600 ms).
    await client.core.readNamespace({ name: namespace }, withTimeout(10_000));
    proxy.stall();
    try {
      const { error, ms } = await timed(() => client.core.readNamespace({ name: namespace }));
      assert.ok(error instanceof RequestTimeoutError, `got ${String(error)}`);
      assert.equal(error.method, 'GET');
      assert.equal(error.path, `/api/v1/namespaces/${namespace}`);
      assert.match(error.message, new RegExp(`no answer from the API server within ${TIMEOUT_MS} ms`));
      assert.ok(ms >= TIMEOUT_MS - 5 && ms < TIMEOUT_MS + SLACK_MS, `refused after ${ms} ms`);

      // Server-side apply goes through client-node's object API: bounded the same way.
      const apply = await timed(() =>
        serverSideApply(
          client,
          { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'never', namespace }, data: {} },
          { fieldManager: 'test' },
        ),
      );
      assert.ok(apply.error instanceof RequestTimeoutError, `got ${String(apply.error)}`);
      assert.ok(apply.ms < TIMEOUT_MS + SLACK_MS);
    } finally {
      await proxy.restore();
    }
    // The stalled connection was closed with its call: the next call goes out on a fresh one.
    const healed = await timed(() => client.core.readNamespace({ name: namespace }, withTimeout(10_000)));
    assert.equal(healed.error, undefined, `after the stall: ${String(healed.error)}`);
  });

  it('one call can ask for its own deadline', async () => {
    const client = connect(viaProxy); // the default 10 s
    const api = client.kc.makeApiClient(CoordinationV1Api);
    proxy.stall();
    try {
      const { error, ms } = await timed(() =>
        api.readNamespacedLease({ name: 'none', namespace }, withTimeout(300)),
      );
      assert.ok(error instanceof RequestTimeoutError, `got ${String(error)}`);
      assert.equal(error.timeoutMs, 300);
      assert.ok(ms < 300 + SLACK_MS, `refused after ${ms} ms`);
    } finally {
      await proxy.restore();
    }
  });

  it('a watch is not cut by the call timeout', async () => {
    const client = connect(hub.kubeconfig, { requestTimeoutMs: 300 });
    const seen: string[] = [];
    let ended: unknown = 'open';
    const watch = await new Watch(client.kc).watch(
      `/api/v1/namespaces/${namespace}/configmaps`,
      {},
      (phase, object: { metadata?: { name?: string } }) => seen.push(`${phase} ${object.metadata?.name}`),
      (err: unknown) => {
        ended = err ?? 'closed';
      },
    );
    try {
      await delay(1000); // well past the call timeout: the subject of this test is elapsed time
      await hub.client.core.createNamespacedConfigMap({
        namespace,
        body: { metadata: { name: 'after-the-timeout' }, data: {} },
      });
      await waitFor(async () => seen.includes('ADDED after-the-timeout'), {
        what: 'the watch event',
        timeoutMs: 10000,
      });
      assert.equal(ended, 'open', 'the watch ended');
    } finally {
      watch.abort();
    }
  });

  it('speaks HTTP/1.1: calls at once take a connection each, so a cut call never stalls the others', async () => {
    const client = connect(viaProxy);
    await client.core.readNamespace({ name: namespace });
    const before = proxy.accepted;
    await Promise.all(Array.from({ length: 4 }, () => client.core.readNamespace({ name: namespace })));
    // Over HTTP/2 all four would share the one pooled connection.
    assert.ok(proxy.accepted - before >= 3, `${proxy.accepted - before} new connections for 4 calls at once`);
  });

  it('a guard refusing a call sends nothing', async () => {
    const before = proxy.accepted;
    const client = guardedClient(connect(viaProxy), ({ method, path }) => {
      throw new Error(`refused ${method} ${path}`);
    });
    await assert.rejects(
      client.core.readNamespace({ name: namespace }),
      new RegExp(`refused GET /api/v1/namespaces/${namespace}`),
    );
    assert.equal(proxy.accepted, before, 'a connection was opened for a refused call');
  });

  it('refuses a timeout out of range, naming the setting', () => {
    assert.throws(
      () => connect(hub.kubeconfig, { requestTimeoutMs: 0 }),
      /requestTimeoutMs must be between 50 and 600000 ms, not 0/,
    );
    assert.throws(() => withTimeout(Number.POSITIVE_INFINITY), /a call timeout must be between/);
  });
});
