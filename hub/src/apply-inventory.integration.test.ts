import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { listAll } from '@smart-fleet/kube';
import {
  type FleetObject,
  GROUP_VERSION,
  type InventoryDocument,
  type ParseOptions,
  parseInventory,
} from '@smart-fleet/model';
import { editSite, smallFleet, toYaml } from '../../test/support/fleet-fixtures.ts';
import { type TestHub, testHub, uniqueNamespace } from '../../test/support/test-hub.ts';
import { applyInventory } from './apply-inventory.ts';

/** name -> resourceVersion of every fleet object in the namespace: any write changes it. */
async function snapshot(hub: TestHub, namespace: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const kind of ['Tenant', 'WideAreaCluster', 'Site']) {
    for (const item of await listAll(hub.client, kind, namespace)) {
      out.set(`${kind}/${item.metadata?.name}`, item.metadata?.resourceVersion ?? '');
    }
  }
  return out;
}

const FLEET_CLI = fileURLToPath(new URL('./fleet-cli.ts', import.meta.url));

/** `npm run fleet -- apply FILE` as an operator runs it, against the test hub. */
function fleetApply(hub: TestHub, doc: InventoryDocument): { status: number; stderr: string; file: string } {
  const file = join(mkdtempSync(join(tmpdir(), 'fleet-')), 'fleet.yaml');
  writeFileSync(file, toYaml(doc));
  const result = spawnSync(process.execPath, [FLEET_CLI, 'apply', file], {
    env: { ...process.env, KUBECONFIG: hub.kubeconfig },
    encoding: 'utf8',
  });
  return { status: result.status ?? 1, stderr: result.stderr, file };
}

function parse(doc: InventoryDocument, existing?: ParseOptions['existing']) {
  return parseInventory([{ file: 'fleet.yaml', text: toYaml(doc) }], { existing });
}

describe('applying an inventory to a real kube-apiserver', () => {
  let hub: TestHub;
  const namespace = uniqueNamespace('apply');
  const fleet = smallFleet(namespace, 40);

  before(async () => {
    hub = await testHub();
  });

  it('creates every object, with labels derived from the spec', async () => {
    const { inventory } = parse(fleet);
    assert.ok(inventory);
    const summary = await applyInventory(hub.client, inventory, { concurrency: 8 });
    assert.equal(summary.created, inventory.objects.length);
    assert.deepEqual([summary.updated, summary.unchanged, summary.failed.length], [0, 0, 0]);
    const sites = await listAll(hub.client, 'Site', namespace);
    assert.equal(sites.length, 40);
    const seoul = sites.find((s) => s.metadata?.name === 'apt-seoul-00001');
    assert.equal(seoul?.metadata?.labels?.['smartfleet.io/region'], 'seoul');
    assert.equal(seoul?.metadata?.labels?.['smartfleet.io/wide-area-cluster'], 'wac-capital');
    assert.equal((seoul?.spec?.hardware as { profile?: string } | undefined)?.profile, 'smp-full');
  });

  it('reads every page of a long list', async () => {
    const pages = await listAll(hub.client, 'Site', namespace, 7);
    assert.equal(pages.length, 40);
    assert.equal(new Set(pages.map((s) => s.metadata?.name)).size, 40);
  });

  it('applying the same inventory twice changes nothing', async () => {
    const before = await snapshot(hub, namespace);
    const { inventory } = parse(fleet);
    assert.ok(inventory);
    const summary = await applyInventory(hub.client, inventory);
    assert.deepEqual([summary.created, summary.updated, summary.failed.length], [0, 0, 0]);
    assert.equal(summary.unchanged, inventory.objects.length);
    assert.deepEqual(await snapshot(hub, namespace), before, 'a resourceVersion changed');
  });

  it('an edited site is the only object updated', async () => {
    const before = await snapshot(hub, namespace);
    const edited = editSite(fleet, 0, (site) => {
      site.subscriberCap = 321;
    });
    const { inventory } = parse(edited);
    assert.ok(inventory);
    const summary = await applyInventory(hub.client, inventory);
    assert.deepEqual([summary.created, summary.updated], [0, 1]);
    const after = await snapshot(hub, namespace);
    const changed = [...after].filter(([key, rv]) => before.get(key) !== rv).map(([key]) => key);
    assert.deepEqual(changed, ['Site/apt-seoul-00001']);
    const site = (await listAll(hub.client, 'Site', namespace)).find(
      (s) => s.metadata?.name === 'apt-seoul-00001',
    );
    assert.equal(site?.spec?.subscriberCap, 321);
  });

  const badRows: {
    name: string;
    edit: (site: Record<string, any>) => void;
    path: RegExp;
    message: RegExp;
  }[] = [
    {
      name: '3,000 streams at 20 Mbps',
      edit: (s) => (s.streaming.streamPlan = [{ bitrateMbps: 20, streams: 3000 }]),
      path: /^sites\[5\]\.streaming\.streamPlan$/,
      message: /60000 Mbps, over the egress budget of \d+ Mbps/,
    },
    {
      name: 'a missing wide-area cluster',
      edit: (s) => (s.parentCluster = 'wac-atlantis'),
      path: /^sites\[5\]\.parentCluster$/,
      message: /wac-atlantis does not exist/,
    },
    {
      name: 'negative capacity',
      edit: (s) => (s.subscriberCap = -1),
      path: /^sites\[5\]\.subscriberCap$/,
      message: />= 1|greater/,
    },
    {
      name: 'an unknown region',
      edit: (s) => (s.location.region = 'mars'),
      path: /^sites\[5\]\.location\.region$/,
      message: /not one of/,
    },
  ];
  for (const { name, edit, path: pathPattern, message } of badRows) {
    it(`a bad row (${name}) is refused with file, line and field, and the hub is untouched`, async () => {
      const before = await snapshot(hub, namespace);
      // A larger fleet: the bad row sits among 20 new valid sites that must not land either.
      const grown = editSite(smallFleet(namespace, 60), 5, edit);
      const run = fleetApply(hub, grown);
      assert.equal(run.status, 1, run.stderr);
      const line = run.stderr.split('\n').find((l) => l.startsWith(run.file));
      assert.ok(line, `no located problem in:\n${run.stderr}`);
      const [, lineNo, path, text] = /^[^:]+:(\d+):\d+: (\S+) \(Site [^)]+\): (.*)$/.exec(line) ?? [];
      assert.ok(Number(lineNo) > 1, line);
      assert.match(path ?? '', pathPattern);
      assert.match(text ?? '', message);
      assert.match(run.stderr, /1 problem; nothing was applied/);
      assert.deepEqual(await snapshot(hub, namespace), before);
    });
  }

  it('a set the hub refuses is stopped by the dry run before anything is written', async () => {
    const before = await snapshot(hub, namespace);
    const { inventory } = parse(smallFleet(namespace, 60));
    assert.ok(inventory);
    // Bypass the loader, as a caller with its own objects might: the hub itself must refuse.
    const objects: FleetObject[] = inventory.objects.map((o) =>
      o.kind === 'Site' ? { ...o, spec: { ...o.spec, subscriberCap: -7 } } : o,
    );
    await assert.rejects(
      applyInventory(hub.client, { ...inventory, objects }),
      /dry run; nothing was applied.*subscriberCap/s,
    );
    assert.deepEqual(await snapshot(hub, namespace), before);
    const sites = await hub.client.objects.list(GROUP_VERSION, 'Site', namespace);
    assert.equal(sites.items.length, 40);
  });
});
