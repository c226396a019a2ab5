import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { applyInventory } from '@smart-fleet/hub';
import {
  type FleetResource,
  forEachLimited,
  listAll,
  serverSideApply,
  silentLogger,
  waitFor,
} from '@smart-fleet/kube';
import {
  ANNOTATIONS,
  type ContentTitle,
  type FleetObject,
  GROUP_VERSION,
  parseInventory,
} from '@smart-fleet/model';
import { smallFleet, toYaml } from '../../../test/support/fleet-fixtures.ts';
import { type TestHub, testHub, uniqueNamespace } from '../../../test/support/test-hub.ts';
import { type Manager, startManager } from '../manager.ts';
import { type PlacementSite, type PlacementTitle, planPlacements } from '../placement/planner.ts';
import { syntheticCatalog } from '../placement/synthetic-catalog.ts';

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

  it("honours a site's pinned and excluded titles, and returns to the plan when they are removed", async () => {
    // The plan for the objects as the API server has them now (an earlier test changed demand).
    const live = await listAll(hub.client, 'Site', namespace);
    const library = (await listAll(hub.client, 'ContentTitle', namespace)) as unknown as PlacementTitle[];
    const plan = planPlacements({ titles: library, sites: live as unknown as PlacementSite[] });
    // The smallest site: the one that leaves titles out for a pin to bring in.
    const smallest = plan.sites.reduce((a, b) => (b.budgetMB < a.budgetMB ? b : a));
    const name = smallest.site;
    const site = sites.find((s) => s.metadata.name === name);
    assert.ok(site);
    const planned = smallest.titles.map((t) => t.title);
    assert.ok(planned.length > 1, `fixture: ${name} is planned fewer than two titles`);
    const titlesOf = (p: Placement | undefined) => p?.spec.titles.map((t) => t.title);
    const placementOf = async () => (await placements()).find((x) => x.spec.site === name);
    const sizeMB = (t: PlacementTitle) => t.spec.renditions.reduce((sum, r) => sum + r.sizeMB, 0);
    const [pin] = library
      .filter((t) => !planned.includes(t.metadata.name))
      .sort((a, b) => sizeMB(a) - sizeMB(b));
    assert.ok(pin, `fixture: ${name} is planned every title`);
    const pinned = pin.metadata.name;
    const excluded = planned[0] as string;
    await waitFor(async () => titlesOf(await placementOf())?.join() === planned.join(), {
      what: `${name}'s placement to match the plan`,
      timeoutMs: 30000,
      intervalMs: 250,
    });

    const annotate = (annotations?: Record<string, string>) =>
      serverSideApply(
        hub.client,
        { apiVersion: GROUP_VERSION, kind: 'Site', metadata: { name, namespace, annotations } } as never,
        { fieldManager: 'test-overrides' },
      );
    await annotate({
      [ANNOTATIONS.pinnedTitles]: ` ${pinned} , no-such-title`,
      [ANNOTATIONS.excludedTitles]: excluded,
    });
    const overridden = await waitFor(
      async () => {
        const p = await placementOf();
        const titles = titlesOf(p) ?? [];
        const used = p?.spec.titles.reduce((sum, t) => sum + t.sizeMB, 0);
        return titles[0] === pinned && !titles.includes(excluded) && p?.status?.plannedMB === used && p;
      },
      {
        what: `${name}'s placement to lead with ${pinned} and drop ${excluded}`,
        timeoutMs: 30000,
        intervalMs: 250,
      },
    );
    const titles = titlesOf(overridden) ?? [];
    assert.ok(!titles.includes('no-such-title'));
    assert.equal(new Set(titles).size, titles.length, 'a title is listed twice');
    assert.ok((overridden.status?.plannedMB ?? 0) <= budgetMB(site), 'the pin overflowed the site');

    // Applying without the annotations takes back the ones this field manager set.
    await annotate();
    await waitFor(async () => titlesOf(await placementOf())?.join() === planned.join(), {
      what: `${name}'s placement to return to the plan`,
      timeoutMs: 30000,
      intervalMs: 250,
    });
  });
});
