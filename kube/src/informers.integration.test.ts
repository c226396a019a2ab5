/**
 * A watch that goes silent is noticed: against a real kube-apiserver behind a proxy that
 * stalls (it keeps the watch's connection open and forwards nothing, as a black-holed path
 * does), an informer re-watches within its idle deadline once the path is back, and sees
 * every object created meanwhile.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type FleetObject, parseInventory } from '@smart-fleet/model';
import { CuttableProxy, kubeconfigThrough } from '../../test/support/cuttable-proxy.ts';
import { smallFleet, toYaml } from '../../test/support/fleet-fixtures.ts';
import { type TestHub, testHub, uniqueNamespace } from '../../test/support/test-hub.ts';
import { connect, serverSideApply } from './client.ts';
import { SharedInformers } from './informers.ts';
import { waitFor } from './wait.ts';

const IDLE_MS = 1500;
/** Timers fire late on a loaded machine, and the re-watch needs a round trip or two. */
const SLACK_MS = 2500;

describe('an informer whose watch stalls', () => {
  let hub: TestHub;
  let proxy: CuttableProxy;
  let informers: SharedInformers;
  let template: FleetObject | undefined;
  const namespace = uniqueNamespace('stalled-watch');
  let created = 0;

  const createSites = async (count: number) => {
    for (let i = 0; i < count; i++) {
      const name = `apt-stall-${String(++created).padStart(5, '0')}`;
      await serverSideApply(hub.client, { ...template, metadata: { ...template?.metadata, name } } as never, {
        fieldManager: 'test',
      });
    }
  };
  const cached = () => informers.for('Site').list(namespace).length;

  before(async () => {
    hub = await testHub();
    const parsed = parseInventory([{ file: 'fleet.yaml', text: toYaml(smallFleet(namespace, 1)) }]);
    assert.ok(parsed.inventory);
    template = parsed.inventory.objects.find((o) => o.kind === 'Site');
    await hub.client.core.createNamespace({ body: { metadata: { name: namespace } } });
    await createSites(2); // only the schema is checked here: no webhook, no operators
    proxy = new CuttableProxy(hub.client.server);
    await proxy.restore();
    informers = new SharedInformers(connect(kubeconfigThrough(hub.kubeconfig, proxy)), namespace, {
      watchIdleMs: IDLE_MS,
    });
    informers.for('Site');
    await informers.start();
    assert.equal(cached(), 2);
  });

  after(async () => {
    await informers?.stop();
    await proxy?.cut();
  });

  it('re-watches within the idle deadline once the path is back, and misses nothing', async () => {
    proxy.stall();
    const acceptedBefore = proxy.accepted;
    await createSites(3);
    // The informer notices the silence and tries again into the stall: that attempt hangs too.
    await waitFor(async () => proxy.accepted > acceptedBefore, {
      what: 'a re-watch while the path is stalled',
      timeoutMs: IDLE_MS * 3 + SLACK_MS,
    });
    assert.equal(cached(), 2, 'the informer saw through a stalled proxy');
    const restored = performance.now();
    await proxy.restore();
    await waitFor(async () => cached() === 5, {
      what: 'every site created during the stall',
      timeoutMs: IDLE_MS * 2 + SLACK_MS * 2,
    });
    const ms = performance.now() - restored;
    console.log(
      `# the informer caught up ${(ms / 1000).toFixed(2)} s after the path came back (idle deadline ${IDLE_MS / 1000} s)`,
    );
    assert.ok(ms <= IDLE_MS * 2 + SLACK_MS, `caught up after ${ms} ms`);
  });
});
