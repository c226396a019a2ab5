import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { applyInventory } from '@smart-fleet/hub';
import { type FleetResource, listAll, serverSideApply, silentLogger, waitFor } from '@smart-fleet/kube';
import { type FleetObject, parseInventory } from '@smart-fleet/model';
import { smallFleet, toYaml } from '../../test/support/fleet-fixtures.ts';
import { type TestHub, testHub, uniqueNamespace } from '../../test/support/test-hub.ts';
import { type Manager, startManager } from './manager.ts';

const LEASE_MS = 3000;
const reconciles = async (m: Manager) =>
  [
    ...(await m.registry.metrics()).matchAll(
      /smartfleet_reconcile_total\{controller="site-admission",result="[a-z]+"\} (\d+)/g,
    ),
  ].reduce((sum, match) => sum + Number(match[1]), 0);
const phaseOf = (o: FleetResource | undefined) =>
  (o as { status?: { phase?: string } } | undefined)?.status?.phase;

describe('leader election between two operator replicas', () => {
  let hub: TestHub;
  const namespace = uniqueNamespace('leader');
  const managers: Manager[] = [];
  let template: FleetObject | undefined;

  const replica = (identity: string) =>
    startManager({
      client: hub.client,
      namespace,
      log: silentLogger,
      leaderElection: { namespace, identity, leaseDurationMs: LEASE_MS, renewDeadlineMs: 2000, retryMs: 500 },
    });
  const addSite = (name: string) =>
    serverSideApply(hub.client, { ...template, metadata: { ...template?.metadata, name } } as never, {
      fieldManager: 'test',
    });
  const admitted = (name: string) =>
    waitFor(
      async () =>
        phaseOf((await listAll(hub.client, 'Site', namespace)).find((s) => s.metadata?.name === name)) ===
        'Provisioning',
      { what: `${name} admitted`, timeoutMs: 20000, intervalMs: 100 },
    );

  before(async () => {
    hub = await testHub();
    const parsed = parseInventory([{ file: 'fleet.yaml', text: toYaml(smallFleet(namespace, 2)) }]);
    assert.ok(parsed.inventory);
    await applyInventory(hub.client, parsed.inventory);
    template = parsed.inventory.objects.find((o) => o.kind === 'Site');
    managers.push(await replica('replica-a'), await replica('replica-b'));
  });

  after(async () => {
    await Promise.all(managers.map((m) => m.stop()));
  });

  it('exactly one replica leads, and only its controllers reconcile', async () => {
    await waitFor(async () => managers.some((m) => m.leading()), { what: 'a leader', timeoutMs: 10000 });
    assert.equal(managers.filter((m) => m.leading()).length, 1);
    await addSite('apt-led-00001');
    await admitted('apt-led-00001');
    const leader = managers.find((m) => m.leading());
    const standby = managers.find((m) => !m.leading());
    assert.ok(leader && standby);
    assert.ok((await reconciles(leader)) > 0);
    assert.equal(await reconciles(standby), 0, 'the standby reconciled while not leading');
  });

  it('when the leader dies, the standby takes over within the lease duration and acts on what came meanwhile', async () => {
    const leader = managers.find((m) => m.leading());
    const standby = managers.find((m) => !m.leading());
    assert.ok(leader && standby);
    const died = Date.now();
    await leader.stop(); // a crash: the lease is not released, it has to expire
    await addSite('apt-failover-00001'); // arrives while nobody leads
    await waitFor(async () => standby.leading(), { what: 'the standby to lead', timeoutMs: LEASE_MS * 3 });
    const tookOver = (Date.now() - died) / 1000;
    console.log(
      `# standby took over ${tookOver.toFixed(1)} s after the leader died (lease ${LEASE_MS / 1000} s)`,
    );
    assert.ok(tookOver <= LEASE_MS / 1000 + 1.5, `took ${tookOver} s`);
    await admitted('apt-failover-00001');
  });
});
