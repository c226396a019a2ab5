/**
 * The manager's side of leader election under a fault: the leader reaches the API server
 * through a proxy that starts stalling (its renews hang). It must stop its controllers within
 * the renew deadline and report the loss; the standby takes over and acts on what arrives; the
 * old leader reconciles nothing more while it is a standby, and leads again (its controllers
 * restarted) once its path is back and the new leader goes.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CoordinationV1Api } from '@kubernetes/client-node';
import { applyInventory } from '@smart-fleet/hub';
import {
  connect,
  type FleetResource,
  listAll,
  serverSideApply,
  silentLogger,
  waitFor,
} from '@smart-fleet/kube';
import { type FleetObject, parseInventory } from '@smart-fleet/model';
import { CuttableProxy, kubeconfigThrough } from '../../test/support/cuttable-proxy.ts';
import { smallFleet, toYaml } from '../../test/support/fleet-fixtures.ts';
import { type TestHub, testHub, uniqueNamespace } from '../../test/support/test-hub.ts';
import { type Manager, OPERATORS_LEASE, startManager } from './manager.ts';

const TIMING = { leaseDurationMs: 6000, renewDeadlineMs: 4000, retryMs: 1000 };
const SLACK_MS = 1000;

const reconciles = async (m: Manager) =>
  [...(await m.registry.metrics()).matchAll(/smartfleet_reconcile_total\{[^}]*\} (\d+)/g)].reduce(
    (sum, match) => sum + Number(match[1]),
    0,
  );
const phaseOf = (o: FleetResource | undefined) =>
  (o as { status?: { phase?: string } } | undefined)?.status?.phase;

describe('an operator leader whose renews hang', () => {
  let hub: TestHub;
  let proxy: CuttableProxy;
  let leader: Manager;
  let standby: Manager;
  let lostAt: number | undefined;
  let template: FleetObject | undefined;
  const namespace = uniqueNamespace('failover');

  const replica = (identity: string, client = hub.client, onLost?: () => void) =>
    startManager({
      client,
      namespace,
      log: silentLogger,
      leaderElection: { namespace, identity, ...TIMING, onLost },
    });

  before(async () => {
    hub = await testHub();
    const parsed = parseInventory([{ file: 'fleet.yaml', text: toYaml(smallFleet(namespace, 2)) }]);
    assert.ok(parsed.inventory);
    await applyInventory(hub.client, parsed.inventory);
    template = parsed.inventory.objects.find((o) => o.kind === 'Site');
    proxy = new CuttableProxy(hub.client.server);
    await proxy.restore();
    leader = await replica('replica-a', connect(kubeconfigThrough(hub.kubeconfig, proxy)), () => {
      lostAt = performance.now();
    });
    await waitFor(async () => leader.leading(), { what: 'replica-a to lead', timeoutMs: 20000 });
    standby = await replica('replica-b');
  });

  after(async () => {
    await Promise.all([leader, standby].map((m) => m?.stop()));
    await proxy?.cut();
  });

  it('stops its controllers within the renew deadline; the standby takes over and acts; the old leader is a standby, and leads again when the new one goes', async () => {
    await waitFor(async () => (await reconciles(leader)) > 0, {
      what: 'replica-a to reconcile',
      timeoutMs: 20000,
    });
    const stalled = performance.now();
    proxy.stall();
    const lost = await waitFor(async () => lostAt, {
      what: 'replica-a to report the loss',
      timeoutMs: 20000,
    });
    assert.equal(leader.leading(), false);
    assert.ok(
      lost - stalled <= TIMING.renewDeadlineMs + SLACK_MS,
      `stopped ${lost - stalled} ms after the stall`,
    );
    const reconciledByOldLeader = await reconciles(leader);

    const led = await waitFor(async () => standby.leading() && performance.now(), {
      what: 'replica-b to lead',
      timeoutMs: TIMING.leaseDurationMs * 4,
    });
    console.log(
      `# hung renew: replica-a stopped ${((lost - stalled) / 1000).toFixed(2)} s after the stall, replica-b led after ${((led - stalled) / 1000).toFixed(2)} s`,
    );
    const name = 'apt-after-failover-00001';
    await serverSideApply(hub.client, { ...template, metadata: { ...template?.metadata, name } } as never, {
      fieldManager: 'test',
    });
    await waitFor(
      async () =>
        phaseOf((await listAll(hub.client, 'Site', namespace)).find((s) => s.metadata?.name === name)) ===
        'Provisioning',
      { what: `${name} admitted by the new leader`, timeoutMs: 30000 },
    );
    assert.ok((await reconciles(standby)) > 0);
    assert.equal(
      await reconciles(leader),
      reconciledByOldLeader,
      'the old leader reconciled after it lost the lease',
    );

    // Its path back, the old leader is a standby: the Lease stays with replica-b until it goes,
    // then replica-a leads again with restarted controllers and acts.
    await proxy.restore();
    const holder = async () =>
      (
        await hub.client.kc
          .makeApiClient(CoordinationV1Api)
          .readNamespacedLease({ name: OPERATORS_LEASE, namespace })
      ).spec?.holderIdentity;
    assert.equal(await holder(), 'replica-b');
    assert.equal(leader.leading(), false);
    const gone = performance.now();
    await standby.stop();
    const ledAgain = await waitFor(async () => leader.leading() && performance.now(), {
      what: 'replica-a to lead again',
      timeoutMs: TIMING.leaseDurationMs * 4,
    });
    assert.equal(await holder(), 'replica-a');
    const again = 'apt-after-failback-00001';
    await serverSideApply(
      hub.client,
      { ...template, metadata: { ...template?.metadata, name: again } } as never,
      {
        fieldManager: 'test',
      },
    );
    await waitFor(
      async () =>
        phaseOf((await listAll(hub.client, 'Site', namespace)).find((s) => s.metadata?.name === again)) ===
        'Provisioning',
      { what: `${again} admitted by replica-a, leading again`, timeoutMs: 30000 },
    );
    // Its informers' watches were stalled too: they re-watch within their idle deadline (30 s),
    // so the site can take that long to reach replica-a's cache.
    console.log(
      `# replica-a led again ${((ledAgain - gone) / 1000).toFixed(2)} s after replica-b went; admitted a new site ${((performance.now() - ledAgain) / 1000).toFixed(2)} s later`,
    );
    assert.ok((await reconciles(leader)) > reconciledByOldLeader);
  });
});
