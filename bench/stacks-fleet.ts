/**
 * Benchmark: the national fleet (9,000 apartment + 12,000 school sites, 6 clusters, 5 tenants)
 * through the Pulumi `fleet` program, under Pulumi's runtime mocks (the engine and CLI cannot
 * run here; the program itself runs for real: the same inventory parser, the same component,
 * every resource registered with the Pulumi runtime). The bar: the whole national fleet
 * "must run through the program in reasonable time". Prints and records in
 * bench/results/stacks-fleet.json: parse time, program time (parse + declare + every
 * registration settled), resources declared, the cost per resource, and the peak memory.
 *   node bench/stacks-fleet.ts [--sites N]
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { readInventoryFiles } from '@smart-fleet/hub';
import { generateFleet, NATIONAL_FLEET, parseInventory } from '@smart-fleet/model';
import { dump } from 'js-yaml';
import main from '../stacks/index.ts';
import { declareStack } from '../stacks/testing/declare.ts';

const { values } = parseArgs({ options: { sites: { type: 'string' } } });
const total = Number(values.sites ?? NATIONAL_FLEET.apartments + NATIONAL_FLEET.schools);
const apartments = Math.round(
  (total * NATIONAL_FLEET.apartments) / (NATIONAL_FLEET.apartments + NATIONAL_FLEET.schools),
);
/** Under two minutes: less than the inventory apply itself takes to write the fleet (bench:apply). */
const BAR_SECONDS = 120;

const seconds = (since: number) => Number(((performance.now() - since) / 1000).toFixed(2));
const figures: Record<string, number | string> = {
  date: new Date().toISOString(),
  sites: total,
  cpus: cpus().length,
  node: process.version,
};

const dir = mkdtempSync(join(tmpdir(), 'bench-stacks-fleet-'));
try {
  // The inventory as an operator has it: `npm run fleet -- generate -o national.yaml`.
  let t = performance.now();
  const file = join(dir, 'national.yaml');
  writeFileSync(
    file,
    dump(generateFleet({ apartments, schools: total - apartments }), { lineWidth: -1, noRefs: true }),
  );
  figures.generateSeconds = seconds(t);

  // The parse the program starts with, alone: read, schema, rules, references.
  t = performance.now();
  const { inventory } = parseInventory(readInventoryFiles([file]));
  figures.parseSeconds = seconds(t);
  const objects = inventory?.objects.length ?? 0;

  // The program as `pulumi up` runs it: stacks/index.ts, program `fleet`.
  t = performance.now();
  const stack = await declareStack(main, {
    config: { 'smart-fleet:program': 'fleet', 'smart-fleet:inventory': file },
  });
  figures.programSeconds = seconds(t);
  const declared = stack.resources.filter((r) => r.type.startsWith('kubernetes:smartfleet.io/')).length;
  if (declared !== objects) {
    throw new Error(`the program declared ${declared} fleet objects; the inventory holds ${objects}`);
  }
  figures.fleetObjects = declared;
  figures.resourcesDeclared = stack.resources.length;
  figures.msPerResource = Number(
    (((figures.programSeconds - figures.parseSeconds) * 1000) / stack.resources.length).toFixed(3),
  );
  figures.peakRssMB = Math.round(process.resourceUsage().maxRSS / 1024);
  figures.outputs = JSON.stringify(stack.outputs.objects);

  // The same inventory split by region (stacks/fleet/fleet-shard.ts): the largest region's stack.
  const perRegion = stack.outputs.sitesPerRegion as Record<string, number>;
  const [largest = '', largestSites = 0] = Object.entries(perRegion).sort(([, a], [, b]) => b - a)[0] ?? [];
  t = performance.now();
  const region = await declareStack(main, {
    config: {
      'smart-fleet:program': 'fleet',
      'smart-fleet:inventory': file,
      'smart-fleet:fleet.regions': JSON.stringify([largest]),
    },
  });
  figures.largestRegion = largest;
  figures.largestRegionSites = largestSites;
  figures.largestRegionProgramSeconds = seconds(t);
  if (
    region.resources.filter((r) => r.type === 'kubernetes:smartfleet.io/v1alpha1:Site').length !==
    largestSites
  ) {
    throw new Error(`the ${largest} stack did not declare its ${largestSites} sites`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

console.log(JSON.stringify(figures, null, 2));
const results = join(import.meta.dirname, 'results');
mkdirSync(results, { recursive: true });
writeFileSync(join(results, 'stacks-fleet.json'), `${JSON.stringify(figures, null, 2)}\n`);

// The bar, enforced so a regression fails the run rather than slipping into a report.
if ((figures.programSeconds as number) >= BAR_SECONDS) {
  console.error(`the fleet program took ${BAR_SECONDS} seconds or more for ${total} sites`);
  process.exitCode = 1;
}
