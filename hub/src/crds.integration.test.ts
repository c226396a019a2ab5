import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { VersionApi } from '@kubernetes/client-node';
import { apiErrorMessage, serverSideApply } from '@smart-fleet/kube';
import { ALL_KINDS, crdName, GROUP_VERSION, parseInventory } from '@smart-fleet/model';
import { smallFleet, toYaml } from '../../test/support/fleet-fixtures.ts';
import { kubectl } from '../../test/support/kubectl.ts';
import { type TestHub, testHub, uniqueNamespace } from '../../test/support/test-hub.ts';
import { applyInventory } from './apply-inventory.ts';
import { installCrds, staleCrds } from './crds.ts';

describe('fleet CRDs on a real kube-apiserver', () => {
  let hub: TestHub;
  const namespace = uniqueNamespace('crds');

  before(async () => {
    hub = await testHub();
    const version = await hub.client.kc.makeApiClient(VersionApi).getCode();
    console.log(`# kube-apiserver ${version.gitVersion} at ${hub.client.server}`);
    await hub.client.core.createNamespace({ body: { metadata: { name: namespace } } });
  });

  it('installs every kind and each becomes Established', async () => {
    await installCrds(hub.client, () => {});
    for (const kind of ALL_KINDS) {
      const crd = await hub.client.apiext.readCustomResourceDefinition({ name: crdName(kind) });
      const established = crd.status?.conditions?.find((c) => c.type === 'Established');
      assert.equal(established?.status, 'True', `${kind.kind} is not Established`);
      const structural = crd.status?.conditions?.find((c) => c.type === 'NonStructuralSchema');
      assert.equal(structural, undefined, `${kind.kind} schema is not structural: ${structural?.message}`);
    }
    assert.deepEqual(await staleCrds(hub.client), []);
  });

  it('shows the printer columns in `kubectl get sites` and lists every kind under `smart`', async () => {
    const parsed = parseInventory([{ file: 'fixture.yaml', text: toYaml(smallFleet(namespace, 4)) }]);
    assert.ok(parsed.inventory, JSON.stringify(parsed.problems));
    await applyInventory(hub.client, parsed.inventory);
    const sites = await kubectl(hub.kubeconfig, ['get', 'sites', '-n', namespace]);
    assert.equal(sites.status, 0, sites.out);
    const header = sites.out.split('\n')[0] ?? '';
    for (const column of [
      'NAME',
      'REGION',
      'KIND',
      'CLUSTER',
      'PHASE',
      'SUBSCRIBERS',
      'EGRESS-MBPS',
      'RELEASE',
      'AGE',
    ]) {
      assert.match(header, new RegExp(`\\b${column}\\b`), `column ${column} missing from: ${header}`);
    }
    assert.match(sites.out, /apt-seoul-00001\s+seoul\s+apartment-complex\s+wac-capital/);
    const smart = await kubectl(hub.kubeconfig, ['get', 'smart', '-n', namespace, '-o', 'name']);
    assert.equal(smart.status, 0, smart.out);
    for (const kind of ['site', 'wideareacluster', 'tenant']) {
      assert.match(
        smart.out,
        new RegExp(`^${kind}\\.smartfleet\\.io/`, 'm'),
        `${kind} missing from: ${smart.out}`,
      );
    }
  });

  const refused: { name: string; edit: (spec: Record<string, any>) => void; field: RegExp }[] = [
    { name: 'a negative subscriber cap', edit: (s) => (s.subscriberCap = -5), field: /spec\.subscriberCap/ },
    { name: 'an unknown region', edit: (s) => (s.location.region = 'mars'), field: /spec\.location\.region/ },
    {
      name: 'an egress budget over 4 Gbps',
      edit: (s) => (s.streaming.egressBudgetMbps = 9000),
      field: /spec\.streaming\.egressBudgetMbps/,
    },
    {
      name: 'a bitrate over 20 Mbps',
      edit: (s) => (s.streaming.streamPlan = [{ bitrateMbps: 40, streams: 1 }]),
      field: /spec\.streaming\.streamPlan(\[0\])?\.bitrateMbps/,
    },
    { name: 'a missing parent cluster', edit: (s) => delete s.parentCluster, field: /spec\.parentCluster/ },
  ];
  for (const { name, edit, field } of refused) {
    it(`the API server refuses a Site with ${name}, naming the field`, async () => {
      const parsed = parseInventory([{ file: 'fixture.yaml', text: toYaml(smallFleet(namespace, 2)) }]);
      const site = structuredClone(parsed.inventory?.objects.find((o) => o.kind === 'Site'));
      assert.ok(site);
      site.metadata.name = `refused-${Math.floor(Math.random() * 1e6)}`;
      edit(site.spec);
      const error = await serverSideApply(hub.client, site as never, { fieldManager: 'test' }).then(
        () => undefined,
        (e: unknown) => e,
      );
      assert.ok(error, 'the API server accepted an invalid Site');
      assert.match(apiErrorMessage(error), field);
      const list = await hub.client.objects.list(GROUP_VERSION, 'Site', namespace);
      assert.ok(!list.items.some((i) => i.metadata?.name === site.metadata.name), 'the refused Site exists');
    });
  }
});
