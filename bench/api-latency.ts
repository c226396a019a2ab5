/**
 * Benchmark: the GraphQL API with the national fleet (21,000 sites) in a real hub. The API runs
 * as it does in production, `api/src/main.ts serve` in a process of its own; another process
 * offers a fixed request rate (open loop: latency counts from when each request was due) for
 * the fleet summary and for filtered, sorted 50-row site pages (a mix of filters, sorts and
 * pages deep in the list, so no answer is the last one repeated): first with the fleet still,
 * without and with the response cache, then while another process writes site statuses (the
 * health controller's writes; a live fleet of 21,000 makes 350/s, but here the hub's API server
 * and etcd share the API's two cores, so the default is 100/s). Prints and records p50/p90/p99,
 * throughput and the API process's CPU time per request. Telemetry for every site comes from a
 * real Prometheus scraping the operators' exporter (in a child process) every 5 s, which the
 * API's feed pulls as often: sorting and summaries read it, and each pull moves the view.
 *   npm run bench:api [-- --sites 21000 --rate 500 --seconds 20 --churn 100 --kubeconfig FILE]
 * Starts a throwaway local hub on free ports (applying the fleet takes about two minutes), or
 * uses the hub of --kubeconfig, whose namespace bench-fleet already holds the fleet.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startDevIssuer } from '@smart-fleet/api';
import {
  addScrapeTarget,
  applyInventory,
  freePort,
  installCrds,
  ProgressLine,
  startHub,
  startPrometheus,
  stopHub,
  stopPrometheus,
} from '@smart-fleet/hub';
import { connect, listAll, waitFor } from '@smart-fleet/kube';
import { generateFleet, NATIONAL_FLEET, parseInventory } from '@smart-fleet/model';
import { type ApiProcess, apiNodeFlags, startApiProcess } from './load/api-process.ts';
import { formatResult, type LoadResult, runLoad } from './load/open-loop.ts';

const { values } = parseArgs({
  options: {
    sites: { type: 'string' },
    rate: { type: 'string', default: '500' },
    seconds: { type: 'string', default: '20' },
    churn: { type: 'string', default: '100' },
    kubeconfig: { type: 'string' },
  },
});
const total = Number(values.sites ?? NATIONAL_FLEET.apartments + NATIONAL_FLEET.schools);
const rate = Number(values.rate);
const seconds = Number(values.seconds);
const churnRate = Number(values.churn);
const NAMESPACE = 'bench-fleet';
const SETTLE_SECONDS = 30;
/** The API's node flags: those `npm run api` runs it with (package.json), so both agree. */
const API_NODE_FLAGS = apiNodeFlags();

const FLEET_SUMMARY = `{ fleetSummary { sites activeStreams egressMbps egressCapacityMbps utilization saturatedSites
    byPhase { phase count } byRegion { region sites activeStreams egressMbps egressCapacityMbps }
    byRelease { release count } byKind { kind count } } }`;

const SITE_PAGE = `query Page($filter: SiteFilter, $sort: SiteSort, $after: String) {
    sites(first: 50, after: $after, filter: $filter, sort: $sort) {
      totalCount pageInfo { hasNextPage endCursor }
      edges { cursor node { id name phase spec { kind subscriberCap tenant location { region address }
        streaming { egressBudgetMbps } } status { lastHeartbeat } telemetry { activeStreams egressMbps } } }
    } }`;

/** The site pages asked for: what a NOC console pages through. Each is asked at page 1 and page 5. */
const SITE_VIEWS: { filter: Record<string, unknown>; sort: Record<string, string> }[] = [
  {
    filter: { regions: ['SEOUL', 'GYEONGGI'], kinds: ['APARTMENT_COMPLEX'] },
    sort: { field: 'SUBSCRIBER_CAP', direction: 'DESC' },
  },
  { filter: { regions: ['BUSAN'] }, sort: { field: 'NAME', direction: 'ASC' } },
  { filter: { kinds: ['SCHOOL'] }, sort: { field: 'EGRESS_BUDGET', direction: 'DESC' } },
  { filter: { tenants: ['metro-cable'], phases: ['PENDING'] }, sort: { field: 'REGION', direction: 'ASC' } },
  { filter: { text: 'seoul' }, sort: { field: 'NAME', direction: 'DESC' } },
];
const DEEP_PAGE = 5;

async function loadFleet(kubeconfig: string) {
  const apartments = Math.round(
    (total * NATIONAL_FLEET.apartments) / (NATIONAL_FLEET.apartments + NATIONAL_FLEET.schools),
  );
  const doc = generateFleet({ apartments, schools: total - apartments, namespace: NAMESPACE });
  const { inventory } = parseInventory([{ file: 'national.yaml', text: JSON.stringify(doc) }]);
  if (!inventory) {
    throw new Error('the generated fleet does not parse');
  }
  const client = connect(kubeconfig);
  await installCrds(client);
  const progress = new ProgressLine('[bench] national fleet applied');
  await applyInventory(client, inventory, { concurrency: 32, onProgress: (c) => progress.update(c) });
  return client;
}

/** The operators' telemetry export for every site, in a child process; resolves with its URL. */
async function startExporter(kubeconfig: string): Promise<{ url: string; sites: number; stop: () => void }> {
  const sites = (await listAll(connect(kubeconfig), 'Site', NAMESPACE)).map((s) => {
    const spec = (s as unknown as { spec: { location: { region: string }; tenant: string } }).spec;
    return [`${NAMESPACE}/${s.metadata?.name}`, spec.location.region, spec.tenant];
  });
  const file = join(dir, 'exporter-sites.json');
  writeFileSync(file, JSON.stringify({ sites }));
  const worker = fileURLToPath(new URL('./load/telemetry-exporter.ts', import.meta.url));
  const child = spawn(process.execPath, [worker, file], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.once('data', (chunk) => resolve(String(chunk).trim()));
    child.once('exit', (code) => reject(new Error(`the telemetry exporter exited ${code}`)));
  });
  return { url, sites: sites.length, stop: () => child.kill('SIGTERM') };
}

/** Starts the status writer; `listed` resolves once it writes, `done` with its counts. */
function startChurn(kubeconfig: string, durationSeconds: number) {
  const worker = fileURLToPath(new URL('./load/status-churn.ts', import.meta.url));
  const spec = { kubeconfig, namespace: NAMESPACE, ratePerSecond: churnRate, durationSeconds };
  const child = spawn(process.execPath, [worker, JSON.stringify(spec)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  const listed = new Promise<void>((resolve) => {
    child.stdout.on('data', (chunk) => {
      out += chunk;
      if (out.startsWith('listed\n')) {
        resolve();
      }
    });
  });
  const done = new Promise<unknown>((resolve, reject) =>
    child.on('exit', (code) =>
      code === 0
        ? resolve(JSON.parse(out.replace('listed\n', '')))
        : reject(new Error(`status churn exited ${code}`)),
    ),
  ).catch((error: unknown) => ({ error: String(error) }));
  return { listed, done };
}

/** The API's GraphQL requests for one phase: one body for the summary, the page mix for sites. */
async function siteBodies(url: string, headers: Record<string, string>): Promise<string[]> {
  const bodies: string[] = [];
  for (const view of SITE_VIEWS) {
    bodies.push(JSON.stringify({ query: SITE_PAGE, variables: view }));
    // Walk to the deep page once, so the mix also holds a cursor far into the order.
    let after: string | null = null;
    for (let page = 1; page < DEEP_PAGE; page++) {
      const answer = await fetch(url, {
        method: 'POST',
        headers,
        body: JSON.stringify({ query: SITE_PAGE, variables: { ...view, after } }),
      });
      const json = (await answer.json()) as {
        data?: { sites: { pageInfo: { endCursor: string | null } } };
        errors?: { message: string }[];
      };
      if (!json.data) {
        throw new Error(`site page query failed: ${JSON.stringify(json.errors)}`);
      }
      after = json.data.sites.pageInfo.endCursor;
    }
    bodies.push(JSON.stringify({ query: SITE_PAGE, variables: { ...view, after } }));
  }
  return bodies;
}

interface Measured extends LoadResult {
  /** The API process's CPU time per measured request (its whole run, warmup included). */
  apiCpuMsPerRequest: number;
}

const dir = mkdtempSync(join(tmpdir(), 'smart-fleet-bench-api-'));
const figures: Record<string, unknown> = {
  sites: total,
  offeredRate: rate,
  seconds,
  churnPerSecond: churnRate,
  cpus: cpus().length,
  apiNodeFlags: API_NODE_FLAGS,
};
const WARMUP_SECONDS = 5;
let stopTelemetry = async () => {};
try {
  let kubeconfig = values.kubeconfig;
  if (!kubeconfig) {
    const hub = await startHub({
      dir,
      apiserverPort: await freePort(),
      etcdPort: await freePort(),
      etcdPeerPort: await freePort(),
    });
    kubeconfig = hub.kubeconfig;
    await loadFleet(kubeconfig);
    // The hub digests 21,000 new objects for a while after the apply (the controller-manager's
    // garbage collector graphs them all); measured after that, as a running fleet's hub would be.
    console.log(`[bench] letting the hub settle for ${SETTLE_SECONDS} s`);
    await new Promise((resolve) => setTimeout(resolve, SETTLE_SECONDS * 1000));
  }
  const prometheusDir = join(dir, 'prometheus');
  const prometheus = await startPrometheus({
    dir: prometheusDir,
    port: await freePort(),
    scrapeIntervalMs: 5000,
  });
  const exporter = await startExporter(kubeconfig);
  stopTelemetry = async () => {
    exporter.stop();
    await stopPrometheus(prometheusDir);
  };
  addScrapeTarget(prometheusDir, 'bench-exporter', exporter.url);
  const reporting = await waitFor(
    async () => {
      const url = new URL('/api/v1/query', prometheus.url);
      url.searchParams.set('query', 'count(smart_fleet_site_active_streams)');
      const body = (await (await fetch(url)).json()) as { data?: { result?: { value: [number, string] }[] } };
      const n = Number(body.data?.result?.[0]?.value[1] ?? 0);
      // Every site in the hub (an apply under heavy load may have left a few out).
      return n >= exporter.sites && n;
    },
    { what: 'Prometheus to hold every site’s telemetry', timeoutMs: 120_000, intervalMs: 2000 },
  );
  console.log(`[bench] Prometheus scrapes telemetry of ${reporting} sites every 5 s`);
  figures.telemetrySites = reporting;
  const issuer = await startDevIssuer({ dir });
  const token = await issuer.sign({ sub: 'bench', roles: ['noc'] });
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const serve = (responseCache: boolean) =>
    startApiProcess({
      kubeconfig: kubeconfig as string,
      oidc: issuer.config,
      keysNamespace: NAMESPACE,
      responseCache,
      nodeFlags: API_NODE_FLAGS,
      prometheus: { url: prometheus.url, scrapeInterval: '5s' },
    });
  const measure = async (api: ApiProcess, phase: string) => {
    const queries = {
      fleetSummary: [JSON.stringify({ query: FLEET_SUMMARY })],
      sitePage: await siteBodies(api.url, headers),
    };
    const results: Record<string, Measured> = {};
    for (const [name, bodies] of Object.entries(queries)) {
      const cpuBefore = api.cpuMs();
      const result = await runLoad({
        url: api.url,
        headers,
        bodies,
        ratePerSecond: rate,
        durationSeconds: seconds,
        warmupSeconds: WARMUP_SECONDS,
      });
      const perRequest = (api.cpuMs() - cpuBefore) / (rate * (seconds + WARMUP_SECONDS));
      results[name] = { ...result, apiCpuMsPerRequest: Number(perRequest.toFixed(3)) };
      console.log(
        `${formatResult(`${name} (${phase})`, result)}, API CPU ${perRequest.toFixed(2)} ms/request`,
      );
    }
    return results;
  };
  // Without the response cache every request runs: the API's raw cost per query.
  const raw = await serve(false);
  figures.quietUncached = await measure(raw, 'quiet fleet, no response cache');
  await raw.stop();
  const api = await serve(true);
  figures.quiet = await measure(api, 'quiet fleet, response cache');
  if (churnRate > 0) {
    const churn = startChurn(kubeconfig, 2 * (seconds + WARMUP_SECONDS + 6) + 5);
    await churn.listed;
    figures.underChurn = await measure(api, `${churnRate} status writes/s, response cache`);
    figures.churn = await churn.done;
  }
  await api.stop();
  await issuer.stop();
} finally {
  await stopTelemetry();
  await stopHub(dir);
  rmSync(dir, { recursive: true, force: true });
}

console.log(JSON.stringify(figures, null, 2));
const resultsDir = new URL('./results/', import.meta.url);
mkdirSync(resultsDir, { recursive: true });
writeFileSync(
  new URL('api-latency.json', resultsDir),
  `${JSON.stringify({ date: new Date().toISOString(), ...figures }, null, 2)}\n`,
);
