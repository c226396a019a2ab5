/**
 * Benchmark: hostile and oversized inventories, each read by `npm run fleet -- validate`'s path
 * (readInventoryFiles + parseInventory) in a process of its own, so each one's time and peak
 * memory are its own. Every case must end as it should (refused at the right file:line:column,
 * or valid) within the bound its row states; a case over its bound fails the run. Time is
 * bounded as the child's CPU time (user + system): on a shared 2-core machine wall time measures
 * the neighbours too, so it is recorded beside it, not checked. Prints a table and records
 * bench/results/hostile-inventory.json.
 *   npm run bench:hostile-inventory [-- --quick]   (--quick: the small cases only)
 * The cases: every small hostile case of model/src/inventory/hostile-cases.ts (alias bombs at
 * the top, in a spec, in defaults, in labels, through a `<<` key; values a message would quote;
 * cycles, depth, aliased keys, one entry too many), eight million nodes without an alias, small
 * defaults merged under many entries up to the inventory's total, a 60 MB
 * fleet with one bad site, a valid file at the size limit, one a byte over it, and the national
 * fleet for comparison.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { readInventoryFiles } from '@smart-fleet/hub';
import {
  formatInventoryProblem,
  generateFleet,
  INVENTORY_LIMITS,
  NATIONAL_FLEET,
  parseInventory,
} from '@smart-fleet/model';
import { dump } from 'js-yaml';
import {
  defaultsUnderManyEntries,
  hostileCases,
  largeFleetWithOneBadSite,
} from '../model/src/inventory/hostile-cases.ts';

/** What a case must end in: refused with a problem at a place, or valid with a number of objects. */
type Want = { refused: { path: string; line: number; column: number; message: string } } | { valid: number };

interface Bound {
  seconds: number;
  rssMB: number;
}

interface Case {
  name: string;
  file: string;
  bytes: number;
  want: Want;
  bound: Bound;
}

interface ChildResult {
  ok: boolean;
  said: string;
  /** Wall time of the read and parse in the child. */
  seconds: number;
  /** CPU time (user + system) the child spent on it: what the bound is checked on. */
  cpuSeconds: number;
  peakRssMB: number;
}

// Bounds are about twice to three times what the project's machine kind measures (2 cores), so
// a regression fails the run and noise does not. A process that loads the model and the hub
// client starts at about 155 MB.
/** A small hostile file is refused in bounded time and memory whatever it would expand to. */
const SMALL: Bound = { seconds: 2, rssMB: 300 };
/** Files near the size limit: the whole file is parsed and checked (measured: 15 s, 750 MB). */
const LARGE: Bound = { seconds: 40, rssMB: 1500 };
/** Eight million nodes: the count stops the parse at the limit (measured: 3.6 s, 680 MB). */
const MANY_NODES: Bound = { seconds: 10, rssMB: 1000 };
/** The entry limit: a quarter of a million entries counted, none checked (1.2 s, 320 MB). */
const MANY_ENTRIES: Bound = { seconds: 4, rssMB: 500 };
/** Defaults merged under many entries up to the inventory's total (measured: 12.8 s, 550 MB). */
const MERGED: Bound = { seconds: 30, rssMB: 1200 };
/** The national fleet, for comparison (2.8 s, 410 MB). */
const NATIONAL: Bound = { seconds: 8, rssMB: 800 };

function child(file: string, want: Want): void {
  const started = performance.now();
  const cpu = process.cpuUsage();
  let said = '';
  let ok = false;
  try {
    const { inventory, problems } = parseInventory(readInventoryFiles([file]));
    // The problem the case must give (a file may give others first, an unknown section say).
    const p = 'refused' in want ? problems.find((q) => q.path === want.refused.path) : undefined;
    const shown = p ?? problems[0];
    said = shown
      ? formatInventoryProblem(shown).slice(0, 160)
      : `valid: ${inventory?.objects.length} objects`;
    if ('valid' in want) {
      ok = inventory?.objects.length === want.valid;
    } else {
      ok =
        inventory === undefined &&
        p !== undefined &&
        p.line === want.refused.line &&
        p.column === want.refused.column &&
        new RegExp(want.refused.message).test(p.message) &&
        problems.every((q) => formatInventoryProblem(q).length < 1000);
    }
  } catch (error) {
    // readInventoryFiles refuses an oversized file by throwing the loader's problems.
    const problems = (
      error as { problems?: { path: string; line: number; column: number; message: string }[] }
    ).problems;
    said = String(error instanceof Error ? error.message : error).split('\n')[1] ?? String(error);
    const p = problems?.[0];
    ok =
      'refused' in want &&
      p !== undefined &&
      p.path === want.refused.path &&
      p.line === want.refused.line &&
      new RegExp(want.refused.message).test(p.message);
  }
  const used = process.cpuUsage(cpu);
  const result: ChildResult = {
    ok,
    said,
    seconds: Number(((performance.now() - started) / 1000).toFixed(2)),
    cpuSeconds: Number(((used.user + used.system) / 1e6).toFixed(2)),
    peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  return { line: text.slice(0, lineStart).split('\n').length, column: offset - lineStart + 1 };
}

function writeCase(dir: string, name: string, text: string, want: Want, bound: Bound): Case {
  const file = join(dir, `${String(cases.length).padStart(2, '0')}.yaml`);
  writeFileSync(file, text);
  return { name, file, bytes: Buffer.byteLength(text), want, bound };
}

const cases: Case[] = [];
const { values } = parseArgs({
  options: { child: { type: 'boolean' }, quick: { type: 'boolean' } },
  strict: false,
});
/** `--quick`: the small cases only (seconds instead of minutes), for a check while working. */
const quick = values.quick === true;

function buildCases(dir: string): void {
  for (const c of hostileCases()) {
    const bound = c.name.startsWith('one entry more') ? MANY_ENTRIES : SMALL;
    const want: Want = { refused: { ...c.want, message: c.want.message.source } };
    cases.push(writeCase(dir, c.name, c.text, want, bound));
  }
  const header = 'apiVersion: smartfleet.io/v1alpha1\nkind: Inventory\n';
  const many = `${header}x: [${'0,'.repeat(INVENTORY_LIMITS.fileNodes)}0]\n`;
  // Two keys, their values and `x` close first: the list's item N - 5 is node N + 1.
  const past = many.indexOf('[') + 1 + 2 * (INVENTORY_LIMITS.fileNodes - 5);
  const manyWant = {
    path: 'x',
    ...lineAndColumn(many, past),
    message: 'the file holds more than 8000000 nodes',
  };
  cases.push(writeCase(dir, 'eight million nodes, no alias', many, { refused: manyWant }, MANY_NODES));
  const merged = defaultsUnderManyEntries();
  const mergedWant: Want = { refused: { ...merged.want, message: merged.want.message.source } };
  cases.push(writeCase(dir, merged.name, merged.text, mergedWant, MERGED));
  if (quick) {
    return;
  }

  const national = dump(generateFleet({ ...NATIONAL_FLEET }), { lineWidth: -1, noRefs: true });
  cases.push(writeCase(dir, 'the national fleet (valid)', national, { valid: 21_011 }, NATIONAL));

  const sixty = largeFleetWithOneBadSite(60);
  const want60: Want = { refused: { ...sixty.want, message: sixty.want.message.source } };
  cases.push(writeCase(dir, 'a 60 MB fleet with one bad site', sixty.text, want60, LARGE));

  // A valid fleet padded with a comment to exactly the size limit, then the same plus one byte.
  const doc = generateFleet({ apartments: 53_000, schools: 70_000, seed: 5 });
  const fleet = dump(doc, { lineWidth: -1, noRefs: true });
  const pad = INVENTORY_LIMITS.fileBytes - Buffer.byteLength(fleet) - 3;
  if (pad < 0) {
    throw new Error(`the generated fleet is ${Buffer.byteLength(fleet)} bytes, over the limit already`);
  }
  const atLimit = `${fleet}# ${'x'.repeat(pad)}\n`;
  const objects = (doc.sites?.length ?? 0) + (doc.tenants?.length ?? 0) + (doc.wideAreaClusters?.length ?? 0);
  cases.push(writeCase(dir, 'a valid fleet at the size limit', atLimit, { valid: objects }, LARGE));
  const over = `${atLimit}#`;
  const tooBig = { refused: { path: '(file)', line: 1, column: 1, message: 'over the limit of 64\\.0 MiB' } };
  cases.push(writeCase(dir, 'a file one byte over the limit', over, tooBig, SMALL));
}

function runChild(c: Case): ChildResult {
  const args = ['--max-old-space-size=8192', import.meta.filename, '--child', c.file, JSON.stringify(c.want)];
  const run = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 20, timeout: 300_000 });
  const line = run.stdout.trim().split('\n').at(-1) ?? '';
  try {
    return JSON.parse(line) as ChildResult;
  } catch {
    const why = run.signal ? `killed by ${run.signal}` : `exited ${run.status}: ${run.stderr.slice(-300)}`;
    return { ok: false, said: why, seconds: Number.NaN, cpuSeconds: Number.NaN, peakRssMB: Number.NaN };
  }
}

function table(rows: (ChildResult & Case & { within: boolean })[]): string {
  const head = [
    'case',
    'MB',
    'CPU s',
    'wall s',
    'peak RSS MB',
    'bound',
    'ends as it should',
    'the problem it must give',
  ];
  const lines = rows.map((r) => [
    r.name,
    (r.bytes / 1e6).toFixed(1),
    String(r.cpuSeconds),
    String(r.seconds),
    String(r.peakRssMB),
    `< ${r.bound.seconds} s CPU, < ${r.bound.rssMB} MB`,
    r.ok && r.within ? 'yes' : 'NO',
    r.said.replace(/^\/\S+\/\d+\.yaml/, 'FILE').slice(0, 110),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] as string).length)));
  const format = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] as number)).join(' | ');
  return [format(head), widths.map((w) => '-'.repeat(w)).join('-|-'), ...lines.map(format)].join('\n');
}

function main(): void {
  const dir = mkdtempSync(join(tmpdir(), 'bench-hostile-'));
  try {
    buildCases(dir);
    const rows = cases.map((c) => {
      const result = runChild(c);
      const within = result.cpuSeconds < c.bound.seconds && result.peakRssMB < c.bound.rssMB;
      const verdict = result.ok && within ? 'ok' : 'FAILED';
      console.error(
        `[bench] ${c.name}: ${result.cpuSeconds} s CPU (${result.seconds} s wall), ${result.peakRssMB} MB, ${verdict}`,
      );
      return { ...c, ...result, within };
    });
    console.log(table(rows));
    const figures = {
      date: new Date().toISOString(),
      cpus: cpus().length,
      node: process.version,
      limits: INVENTORY_LIMITS,
      cases: rows.map((r) => ({
        name: r.name,
        bytes: r.bytes,
        cpuSeconds: r.cpuSeconds,
        wallSeconds: r.seconds,
        peakRssMB: r.peakRssMB,
        bound: r.bound,
        ok: r.ok && r.within,
        said: r.said.replace(/^\/\S+\/\d+\.yaml/, 'FILE'),
      })),
    };
    const results = join(import.meta.dirname, 'results');
    mkdirSync(results, { recursive: true });
    writeFileSync(join(results, 'hostile-inventory.json'), `${JSON.stringify(figures, null, 2)}\n`);
    const failed = rows.filter((r) => !(r.ok && r.within));
    if (failed.length > 0) {
      console.error(
        `${failed.length} case(s) did not end as they should within their bound: ${failed.map((r) => r.name).join('; ')}`,
      );
      process.exitCode = 1;
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--child') {
  child(process.argv[3] as string, JSON.parse(process.argv[4] as string) as Want);
} else {
  main();
}
