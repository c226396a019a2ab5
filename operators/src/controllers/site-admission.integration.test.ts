import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { applyInventory } from '@smart-fleet/hub';
import { type FleetResource, jsonLogger, listAll, serverSideApply, waitFor } from '@smart-fleet/kube';
import { type FleetObject, parseInventory } from '@smart-fleet/model';
import { smallFleet, toYaml } from '../../../test/support/fleet-fixtures.ts';
import { type TestHub, testHub, uniqueNamespace } from '../../../test/support/test-hub.ts';
import { type Manager, startManager } from '../manager.ts';
import { BOOTSTRAP_SECRET_TYPE, EXPIRES_ANNOTATION } from './bootstrap-credential.ts';

type Condition = {
  type: string;
  status: string;
  reason: string;
  message: string;
  observedGeneration?: number;
};
const conditionOf = (o: FleetResource | undefined, type: string): Condition | undefined =>
  ((o as { status?: { conditions?: Condition[] } } | undefined)?.status?.conditions ?? []).find(
    (c) => c.type === type,
  );
const phaseOf = (o: FleetResource | undefined) =>
  (o as { status?: { phase?: string } } | undefined)?.status?.phase;

describe('site admission against a real kube-apiserver', () => {
  let hub: TestHub;
  let manager: Manager;
  const namespace = uniqueNamespace('admission');
  const logs: string[] = [];
  let objects: FleetObject[] = [];

  const site = async (name: string) =>
    (await listAll(hub.client, 'Site', namespace)).find((s) => s.metadata?.name === name);
  const until = <T>(what: string, check: () => Promise<T | undefined | false>) =>
    waitFor(check, { what, timeoutMs: 20000, intervalMs: 100 });

  before(async () => {
    hub = await testHub();
    const parsed = parseInventory([{ file: 'fleet.yaml', text: toYaml(smallFleet(namespace, 4)) }]);
    assert.ok(parsed.inventory);
    objects = parsed.inventory.objects;
    await applyInventory(hub.client, parsed.inventory);
    manager = await startManager({
      client: hub.client,
      namespace,
      log: jsonLogger({}, (line) => logs.push(line)),
    });
  });

  after(async () => {
    await manager?.stop();
  });

  it('admits valid sites, moves them to Provisioning and records the generation it saw', async () => {
    const sites = await until('every site admitted', async () => {
      const all = await listAll(hub.client, 'Site', namespace);
      return all.length === 4 && all.every((s) => phaseOf(s) === 'Provisioning') && all;
    });
    for (const s of sites) {
      const admitted = conditionOf(s, 'Admitted');
      assert.equal(admitted?.status, 'True');
      assert.equal(admitted?.observedGeneration, s.metadata?.generation);
    }
  });

  it('issues each site a bootstrap credential that expires, is owned by the site and is never logged', async () => {
    const secrets = await until('bootstrap secrets', async () => {
      const list = await hub.client.core.listNamespacedSecret({
        namespace,
        fieldSelector: `type=${BOOTSTRAP_SECRET_TYPE}`,
      });
      return list.items.length === 4 && list.items;
    });
    for (const secret of secrets) {
      const token = Buffer.from(secret.data?.token ?? '', 'base64').toString();
      assert.ok(token.length >= 40, 'token too short');
      assert.ok(Date.parse(secret.metadata?.annotations?.[EXPIRES_ANNOTATION] ?? '') > Date.now());
      assert.equal(secret.metadata?.ownerReferences?.[0]?.kind, 'Site');
      assert.ok(!logs.join('').includes(token), 'a bootstrap token appeared in the logs');
    }
  });

  it('refuses a site the rules refuse, naming the field, with a Warning event; admits it once the cluster exists', async () => {
    const template = objects.find((o) => o.kind === 'Site');
    assert.ok(template);
    const orphan = {
      ...template,
      metadata: { ...template.metadata, name: 'apt-orphan-00001' },
      spec: { ...template.spec, parentCluster: 'wac-later' },
    };
    await serverSideApply(hub.client, orphan as never, { fieldManager: 'test' });
    const refused = await until('the orphan refused', async () => {
      const s = await site('apt-orphan-00001');
      return conditionOf(s, 'Admitted')?.status === 'False' && s;
    });
    assert.equal(phaseOf(refused), 'Pending');
    assert.match(
      conditionOf(refused, 'Admitted')?.message ?? '',
      /spec\.parentCluster: wide-area cluster wac-later does not exist/,
    );
    const events = await until('a Warning event', async () => {
      const list = await hub.client.core.listNamespacedEvent({
        namespace,
        fieldSelector: 'involvedObject.name=apt-orphan-00001',
      });
      return list.items.length > 0 && list.items;
    });
    assert.equal(events[0]?.type, 'Warning');
    assert.equal(events[0]?.reason, 'InvalidSpec');

    const cluster = objects.find(
      (o) => o.kind === 'WideAreaCluster' && o.metadata.name === template.spec.parentCluster,
    );
    assert.ok(cluster);
    await serverSideApply(
      hub.client,
      { ...cluster, metadata: { ...cluster.metadata, name: 'wac-later' } } as never,
      {
        fieldManager: 'test',
      },
    );
    const admitted = await until('the orphan admitted', async () => {
      const s = await site('apt-orphan-00001');
      return phaseOf(s) === 'Provisioning' && s;
    });
    assert.equal(conditionOf(admitted, 'Admitted')?.status, 'True');
  });

  it('holds a finalizer on each site and, when a site is deleted, revokes its credentials before letting it go', async () => {
    const victim = objects.find((o) => o.kind === 'Site')?.metadata.name ?? '';
    const live = await site(victim);
    assert.deepEqual(live?.metadata?.finalizers, ['smartfleet.io/site-credentials']);
    await hub.client.custom.deleteNamespacedCustomObject({
      group: 'smartfleet.io',
      version: 'v1alpha1',
      namespace,
      plural: 'sites',
      name: victim,
    });
    await until('the site gone', async () => (await site(victim)) === undefined);
    const secret = await hub.client.core
      .readNamespacedSecret({ name: `${victim}-bootstrap`, namespace })
      .catch(() => undefined);
    assert.equal(secret, undefined, 'the bootstrap credential outlived its site');
  });

  it('counts reconciles in /metrics and is ready', async () => {
    const metrics = await (await fetch(`${manager.metricsUrl}/metrics`)).text();
    const match = /smartfleet_reconcile_total\{controller="site-admission",result="success"\} (\d+)/.exec(
      metrics,
    );
    assert.ok(match && Number(match[1]) >= 5, metrics);
    assert.match(metrics, /smartfleet_workqueue_depth\{controller="site-admission"\} \d+/);
    assert.equal((await fetch(`${manager.metricsUrl}/readyz`)).status, 200);
    for (const line of logs) {
      assert.doesNotThrow(() => JSON.parse(line), `not a JSON log line: ${line}`);
    }
  });
});
