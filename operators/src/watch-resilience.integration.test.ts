import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import {
  applyInventory,
  type ExtraApiserver,
  freePort,
  installCrds,
  startExtraApiserver,
} from '@smart-fleet/hub';
import {
  connect,
  type FleetResource,
  type KubeClient,
  listAll,
  serverSideApply,
  silentLogger,
  waitFor,
} from '@smart-fleet/kube';
import { type FleetObject, parseInventory } from '@smart-fleet/model';
import { CuttableProxy } from '../../test/support/cuttable-proxy.ts';
import { smallFleet, toYaml } from '../../test/support/fleet-fixtures.ts';
import { type TestHub, testHub, uniqueNamespace } from '../../test/support/test-hub.ts';
import { type Manager, startManager } from './manager.ts';

type Condition = { type: string; status: string; observedGeneration?: number };
const admitted = (s: FleetResource) =>
  ((s as { status?: { conditions?: Condition[] } }).status?.conditions ?? []).some(
    (c) => c.type === 'Admitted' && c.status === 'True' && c.observedGeneration === s.metadata?.generation,
  );

/**
 * The operators run against their own API server, reached through a proxy the test can cut:
 * a dropped watch, then an API-server restart. Every site created meanwhile must be
 * reconciled; none may be missed (counted, not sampled).
 */
describe('informers survive a dropped watch and an API-server restart', () => {
  let hub: TestHub;
  let apiserver: ExtraApiserver;
  let direct: KubeClient;
  let proxy: CuttableProxy;
  let manager: Manager;
  let port = 0;
  const namespace = uniqueNamespace('resilience');
  const name = `hub-${namespace}`.slice(0, 50);
  let template: FleetObject | undefined;
  let created = 0;

  const createSites = async (count: number) => {
    for (let i = 0; i < count; i++) {
      created++;
      const site = {
        ...template,
        metadata: { ...template?.metadata, name: `apt-extra-${String(created).padStart(5, '0')}` },
      };
      await serverSideApply(direct, site as never, { fieldManager: 'test' });
    }
  };
  const allAdmitted = (what: string) =>
    waitFor(
      async () => {
        const sites = await listAll(direct, 'Site', namespace);
        return sites.length > 0 && sites.every(admitted) && sites.length;
      },
      { what, timeoutMs: 60000, intervalMs: 250 },
    );

  before(async () => {
    hub = await testHub();
    port = await freePort();
    apiserver = await startExtraApiserver({ hubDir: hub.dir, name, port });
    direct = connect(apiserver.kubeconfig);
    await installCrds(direct, () => {});
    proxy = new CuttableProxy(`http://127.0.0.1:${port}`);
    await proxy.restore();
    const viaProxy = `${apiserver.kubeconfig}.proxy`;
    writeFileSync(
      viaProxy,
      readFileSync(apiserver.kubeconfig, 'utf8').replace(`127.0.0.1:${port}`, `127.0.0.1:${proxy.port}`),
    );
    const parsed = parseInventory([{ file: 'fleet.yaml', text: toYaml(smallFleet(namespace, 4)) }]);
    assert.ok(parsed.inventory);
    await applyInventory(direct, parsed.inventory);
    template = parsed.inventory.objects.find((o) => o.kind === 'Site');
    manager = await startManager({ client: connect(viaProxy), namespace, log: silentLogger });
    assert.equal(await allAdmitted('the first four sites'), 4);
  });

  after(async () => {
    await manager?.stop();
    await proxy?.cut();
    await apiserver?.stop();
  });

  it('a dropped watch: sites created while it is down are all reconciled once it is back', async () => {
    await proxy.cut();
    await createSites(5);
    await proxy.restore();
    assert.equal(await allAdmitted('every site after the dropped watch'), 4 + 5);
  });

  it('an API-server restart: every site created before and after it is reconciled', async () => {
    await apiserver.stop();
    apiserver = await startExtraApiserver({ hubDir: hub.dir, name, port });
    await createSites(5);
    assert.equal(await allAdmitted('every site after the restart'), 4 + 10);
  });
});
