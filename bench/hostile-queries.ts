/**
 * Benchmark: hostile GraphQL against the API as it runs in production (`api/src/main.ts serve`,
 * a process of its own, over a real hub holding a small fleet). Each case is a document or
 * request a client could send to hurt the server: a 4,000-deep selection, 5,000 aliases, a
 * megabyte of tokens, a long chain of fragments and a fragment cycle, variables that are huge
 * or deeply nested, and a cost bomb of aliased 500-row pages. Each is sent a few times with the
 * loosest limits there are (a staff token); every answer must be the typed refusal (or the
 * answer) expected, inside a time bound, with the API process's peak RSS (its high-water mark,
 * reset before each case through /proc/<pid>/clear_refs) growing less than a bound, and the
 * API must answer an ordinary query after each. Requests accept application/graphql-response+json,
 * as the GraphQL-over-HTTP spec asks of clients (so a validation error is a 400 too). Prints a table and records the figures in
 * bench/results/hostile-queries.json; exits 1 when any bound is crossed.
 *   npm run bench:hostile-queries [-- --sites 300 --repeat 5]
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startDevIssuer } from '@smart-fleet/api';
import { applyInventory, freePort, installCrds, startHub, stopHub } from '@smart-fleet/hub';
import { connect } from '@smart-fleet/kube';
import { generateFleet, parseInventory } from '@smart-fleet/model';
import { type ApiProcess, apiNodeFlags, startApiProcess } from './load/api-process.ts';
import { type HostileCase, hostileCases } from './load/hostile-cases.ts';

const { values } = parseArgs({
  options: {
    sites: { type: 'string', default: '300' },
    repeat: { type: 'string', default: '5' },
  },
});
const SITES = Number(values.sites);
const REPEAT = Number(values.repeat);
const NAMESPACE = 'bench-hostile';
const MB = 1024 * 1024;

/** A field of /proc/<pid>/status in bytes (VmRSS: now; VmHWM: the peak since the last reset). */
function memoryOf(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(match?.[1] ?? Number.NaN) * 1024;
}

/** Resets the process's peak RSS to what it holds now (Linux: "5" to clear_refs). */
function resetPeak(pid: number): void {
  writeFileSync(`/proc/${pid}/clear_refs`, '5');
}

interface Answer {
  status: number;
  code?: string;
  limit?: string;
  message?: string;
  ms: number;
}

async function send(url: string, headers: Record<string, string>, body: string): Promise<Answer> {
  const started = performance.now();
  const response = await fetch(url, { method: 'POST', headers, body });
  const text = await response.text();
  const ms = performance.now() - started;
  let error: { message?: string; extensions?: { code?: string; limit?: string } } | undefined;
  try {
    error = (JSON.parse(text) as { errors?: (typeof error)[] }).errors?.[0];
  } catch {
    error = { message: text.slice(0, 200) };
  }
  return {
    status: response.status,
    code: error?.extensions?.code,
    limit: error?.extensions?.limit,
    message: error?.message,
    ms,
  };
}

interface CaseFigures {
  name: string;
  bodyBytes: number;
  status: number;
  code?: string;
  limit?: string;
  message?: string;
  msMedian: number;
  msMax: number;
  peakRssGrowthMB: number;
  bounds: HostileCase['bounds'];
  problems: string[];
}

async function measureCase(
  api: ApiProcess,
  headers: Record<string, string>,
  c: HostileCase,
): Promise<CaseFigures> {
  const { body } = c;
  const problems: string[] = [];
  resetPeak(api.pid);
  const baseline = memoryOf(api.pid, 'VmRSS');
  const answers: Answer[] = [];
  for (let i = 0; i < REPEAT; i++) {
    answers.push(await send(api.url, headers, body));
  }
  const peakGrowth = (memoryOf(api.pid, 'VmHWM') - baseline) / MB;
  const times = answers.map((a) => a.ms).sort((a, b) => a - b);
  const first = answers[0] as Answer;
  for (const answer of answers) {
    if (answer.status !== c.expect.status || answer.code !== c.expect.code) {
      problems.push(`answered ${answer.status} ${answer.code ?? ''}: ${answer.message ?? ''}`.slice(0, 300));
      break;
    }
  }
  const msMax = times.at(-1) ?? 0;
  const msMedian = times[Math.floor(times.length / 2)] ?? 0;
  if (msMedian > c.bounds.medianMs) {
    problems.push(`median ${msMedian.toFixed(1)} ms; bound ${c.bounds.medianMs} ms`);
  }
  if (msMax > c.bounds.maxMs) {
    problems.push(`slowest ${msMax.toFixed(1)} ms; bound ${c.bounds.maxMs} ms`);
  }
  if (peakGrowth > c.bounds.rssGrowthMB) {
    problems.push(`peak RSS grew ${peakGrowth.toFixed(1)} MB; bound ${c.bounds.rssGrowthMB} MB`);
  }
  const alive = await send(api.url, headers, JSON.stringify({ query: '{ fleetSummary { sites } }' }));
  if (alive.status !== 200) {
    problems.push(
      `the API did not answer an ordinary query afterwards: ${alive.status} ${alive.message ?? ''}`,
    );
  }
  return {
    name: c.name,
    bodyBytes: Buffer.byteLength(body),
    status: first.status,
    code: first.code,
    limit: first.limit,
    message: first.message?.slice(0, 160),
    msMedian: Number(msMedian.toFixed(2)),
    msMax: Number(msMax.toFixed(2)),
    peakRssGrowthMB: Number(peakGrowth.toFixed(1)),
    bounds: c.bounds,
    problems,
  };
}

function printTable(rows: CaseFigures[]): void {
  const header = [
    'case',
    'body',
    'answer',
    'limit',
    'median ms',
    'max ms (bound)',
    'peak RSS +MB (bound)',
    '',
  ];
  const lines = rows.map((r) => [
    r.name,
    r.bodyBytes >= 1000 ? `${(r.bodyBytes / 1000).toFixed(0)} kB` : `${r.bodyBytes} B`,
    `${r.status} ${r.code ?? ''}`,
    r.limit ?? '',
    `${r.msMedian.toFixed(1)} (${r.bounds.medianMs})`,
    `${r.msMax.toFixed(1)} (${r.bounds.maxMs})`,
    `${r.peakRssGrowthMB.toFixed(1)} (${r.bounds.rssGrowthMB})`,
    r.problems.length === 0 ? 'ok' : `FAIL: ${r.problems.join('; ')}`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] ?? '').length)));
  for (const line of [header, ...lines]) {
    console.log(
      line.map((cell, i) => (i === line.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join('  '),
    );
  }
}

const dir = join(tmpdir(), `smart-fleet-bench-hostile-${process.pid}`);
const figures: Record<string, unknown> = {
  sites: SITES,
  repeat: REPEAT,
  cpus: cpus().length,
  apiNodeFlags: apiNodeFlags(),
};
let failed = false;
try {
  const hub = await startHub({
    dir,
    apiserverPort: await freePort(),
    etcdPort: await freePort(),
    etcdPeerPort: await freePort(),
  });
  const apartments = Math.round(SITES * 0.7);
  const doc = generateFleet({ apartments, schools: SITES - apartments, namespace: NAMESPACE });
  const { inventory } = parseInventory([{ file: 'fleet.yaml', text: JSON.stringify(doc) }]);
  if (!inventory) {
    throw new Error('the generated fleet does not parse');
  }
  const client = connect(hub.kubeconfig);
  await installCrds(client);
  await applyInventory(client, inventory, { concurrency: 32 });
  const issuer = await startDevIssuer({ dir });
  const token = await issuer.sign({ sub: 'bench', roles: ['operator'] });
  const headers = {
    authorization: `Bearer ${token}`,
    'content-type': 'application/json',
    accept: 'application/graphql-response+json',
  };
  const api = await startApiProcess({
    kubeconfig: hub.kubeconfig,
    oidc: issuer.config,
    keysNamespace: NAMESPACE,
    responseCache: true,
    nodeFlags: apiNodeFlags(),
  });
  try {
    // Warm: the first request of any kind pays for code loading, which is no case's cost.
    await send(api.url, headers, JSON.stringify({ query: '{ fleetSummary { sites } }' }));
    figures.apiRssMB = Number((memoryOf(api.pid, 'VmRSS') / MB).toFixed(1));
    const rows: CaseFigures[] = [];
    for (const c of hostileCases()) {
      rows.push(await measureCase(api, headers, c));
    }
    printTable(rows);
    figures.cases = rows;
    failed = rows.some((r) => r.problems.length > 0);
  } finally {
    await api.stop();
    await issuer.stop();
  }
} finally {
  await stopHub(dir);
  rmSync(dir, { recursive: true, force: true });
}

writeFileSync(
  new URL('./results/hostile-queries.json', import.meta.url),
  `${JSON.stringify({ date: new Date().toISOString(), ...figures }, null, 2)}\n`,
);
if (failed) {
  console.error('[bench] a hostile query crossed its bound');
  process.exitCode = 1;
}
