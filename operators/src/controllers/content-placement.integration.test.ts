import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  applyInventory,
  type FleetResource,
  forEachLimited,
  listAll,
  serverSideApply,
  waitFor,
} from '@smart-fleet/hub';
import { type ContentTitle, type FleetObject, parseInventory } from '@smart-fleet/model';
import { smallFleet, toYaml } from '../../../test/support/fleet-fixtures.ts';
import { type TestHub, testHub, uniqueNamespace } from '../../../test/support/test-hub.ts';
import { type Manager, startManager } from '../manager.ts';
import { syntheticCatalog } from '../placement/synthetic-catalog.ts';
import { silentLogger } from '../runtime/log.ts';

type Placement = FleetResource & {
  spec: { site: string; titles: { title: string; sizeMB: number }[] };
  status?: { plannedMB?: number };
};

describe('content placement against a real kube-apiserver', () => {
  let hub: TestHub;
  let manager: Manager;
  const namespace = uniqueNamespace('placement');
  let sites: FleetObject[] = [];
  const catalog: ContentTitle[] = [];

  const placements = async () => (await listAll(hub.client, 'ContentPlacement', namespace)) as Placement[];
  const budgetMB = (site: FleetObject) =>
    (site.spec.hardware as { storageGB: number }).storageGB * 1000 * 0.9;

  before(async () => {
    hub = await testHub();
    const parsed = parseInventory([{ file: 'fleet.yaml', text: toYaml(smallFleet(namespace, 8)) }]);
    assert.ok(parsed.inventory);
    await applyInventory(hub.client, parsed.inventory);
    sites = parsed.inventory.objects.filter((o) => o.kind === 'Site');
    catalog.push(...syntheticCatalog({ titles: 120, seed: 3, namespace }));
    await forEachLimited(catalog, 16, async (t) => {
      await serverSideApply(hub.client, t as never, { fieldManager: 'test' });
    });
    manager = await startManager({ client: hub.client, namespace, log: silentLogger });
  });

  after(async () => {
    await manager?.stop();
  });

  it('gives every site a placement within its storage, the most demanded title everywhere', async () => {
    const all = await waitFor(
      async () => {
        const p = await placements();
        return p.length === sites.length && p.every((x) => x.status?.plannedMB !== undefined) && p;
      },
      { what: 'a placement per site', timeoutMs: 30000, intervalMs: 250 },
    );
    for (const p of all) {
      const site = sites.find((s) => s.metadata.name === p.spec.site);
      assert.ok(site, `placement for unknown site ${p.spec.site}`);
      const used = p.spec.titles.reduce((sum, t) => sum + t.sizeMB, 0);
      assert.ok(used <= budgetMB(site), `${p.spec.site} holds ${used} MB of ${budgetMB(site)}`);
      assert.equal(p.status?.plannedMB, used);
    }
    const national = (t: ContentTitle) => (t.spec.demand ?? []).reduce((s, d) => s + d.weight, 0);
    const top = [...catalog].sort((a, b) => national(b) - national(a))[0];
    assert.ok(
      all.every((p) => p.spec.titles.some((t) => t.title === top?.metadata.name)),
      'the top title is not everywhere',
    );
  });

  it('re-plans when demand changes: a title suddenly in demand moves to the front of the fill order', async () => {
    const site = sites[0];
    assert.ok(site);
    const region = (site.spec.location as { region: string }).region;
    const national = (t: ContentTitle) => (t.spec.demand ?? []).reduce((s, d) => s + d.weight, 0);
    const obscure = [...catalog].sort((a, b) => national(a) - national(b))[0];
    assert.ok(obscure);
    const first = (p: Placement | undefined) => p?.spec.titles[0]?.title;
    const before = (await placements()).find((x) => x.spec.site === site.metadata.name);
    assert.notEqual(first(before), obscure.metadata.name, 'fixture: the least demanded title already leads');
    const hot = { ...obscure, spec: { ...obscure.spec, demand: [{ region, weight: 1e9 }] } };
    await serverSideApply(hub.client, hot as never, { fieldManager: 'test', force: true });
    await waitFor(
      async () => {
        const p = (await placements()).find((x) => x.spec.site === site.metadata.name);
        return first(p) === obscure.metadata.name;
      },
      { what: 're-plan to put the hot title first', timeoutMs: 30000, intervalMs: 250 },
    );
  });
});
