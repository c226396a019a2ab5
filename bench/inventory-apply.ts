/**
 * Benchmark: the national fleet (9,000 apartment + 12,000 school sites) through the inventory
 * pipeline into a real kube-apiserver. Prints and records: generation, YAML parse + validation,
 * first apply (create), second apply (nothing changes).
 *   npm run bench:apply [-- --sites N --concurrency N]
 * Uses $KUBECONFIG's cluster if set; otherwise starts a throwaway local hub on free ports.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { applyInventory, freePort, installCrds, ProgressLine, startHub, stopHub } from '@smart-fleet/hub';
import { connect } from '@smart-fleet/kube';
import { generateFleet, NATIONAL_FLEET, parseInventory } from '@smart-fleet/model';
import { dump } from 'js-yaml';

const { values } = parseArgs({ options: { sites: { type: 'string' }, concurrency: { type: 'string' } } });
const total = Number(values.sites ?? NATIONAL_FLEET.apartments + NATIONAL_FLEET.schools);
const concurrency = Number(values.concurrency ?? 32);
const apartments = Math.round(
  (total * NATIONAL_FLEET.apartments) / (NATIONAL_FLEET.apartments + NATIONAL_FLEET.schools),
);

const seconds = (since: number) => (performance.now() - since) / 1000;
const figures: Record<string, number | string> = { sites: total, concurrency, cpus: cpus().length };

let t = performance.now();
const doc = generateFleet({ apartments, schools: total - apartments, namespace: 'bench-fleet' });
const text = dump(doc, { lineWidth: -1, noRefs: true });
figures.generateSeconds = seconds(t);
figures.inventoryMB = Number((text.length / 1e6).toFixed(1));

t = performance.now();
const { inventory, problems } = parseInventory([{ file: 'national.yaml', text }]);
figures.parseValidateSeconds = seconds(t);
if (!inventory) {
  throw new Error(`generated inventory has ${problems.length} problems`);
}

const dir = process.env.KUBECONFIG ? undefined : mkdtempSync(join(tmpdir(), 'smart-fleet-bench-'));
try {
  const hub = dir
    ? await startHub({
        dir,
        apiserverPort: await freePort(),
        etcdPort: await freePort(),
        etcdPeerPort: await freePort(),
      })
    : undefined;
  const client = connect(hub?.kubeconfig);
  figures.apiserver = hub?.version ?? client.server;
  await installCrds(client);
  const first = new ProgressLine('[bench] first apply');
  t = performance.now();
  const created = await applyInventory(client, inventory, {
    concurrency,
    onProgress: (c) => first.update(c),
  });
  first.finish({ done: created.created + created.updated, total: inventory.objects.length });
  figures.firstApplySeconds = seconds(t);
  figures.firstApplyObjectsPerSecond = Math.round(created.created / (figures.firstApplySeconds as number));
  t = performance.now();
  const again = await applyInventory(client, inventory, { concurrency });
  figures.secondApplySeconds = seconds(t);
  figures.secondApplyUnchanged = again.unchanged;
  figures.secondApplyWrites = again.created + again.updated;
  if (created.failed.length > 0 || again.failed.length > 0) {
    throw new Error(`apply failures: ${JSON.stringify([...created.failed, ...again.failed].slice(0, 5))}`);
  }
} finally {
  if (dir) {
    await stopHub(dir);
    rmSync(dir, { recursive: true, force: true });
  }
}

for (const [k, v] of Object.entries(figures)) {
  figures[k] = typeof v === 'number' && !Number.isInteger(v) ? Number(v.toFixed(2)) : v;
}
console.log(JSON.stringify(figures, null, 2));
const resultsDir = new URL('./results/', import.meta.url);
mkdirSync(resultsDir, { recursive: true });
writeFileSync(
  new URL('inventory-apply.json', resultsDir),
  `${JSON.stringify({ date: new Date().toISOString(), ...figures }, null, 2)}\n`,
);
