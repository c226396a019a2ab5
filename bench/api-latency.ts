/**
 * Benchmark: the GraphQL API with the national fleet (21,000 sites) in a real hub. A separate
 * process offers a fixed request rate (open loop: latency counts from when each request was
 * due) for the fleet summary and for a filtered, sorted 50-row site page: first with the fleet
 * still, then while another process writes site statuses (the health controller's writes; a
 * live fleet of 21,000 makes 350/s, but here the hub's API server and etcd share the API's two
 * cores, so the default is 100/s). Prints and records p50/p90/p99 and throughput.
 *   npm run bench:api [-- --sites 21000 --rate 500 --seconds 20 --churn 100]
 * Starts a throwaway local hub on free ports (applying the fleet takes about two minutes).
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startApiServer, startDevIssuer } from '@smart-fleet/api';
import {
  applyInventory,
  connect,
  freePort,
  installCrds,
  ProgressLine,
  startHub,
  stopHub,
  waitFor,
} from '@smart-fleet/hub';
import { generateFleet, NATIONAL_FLEET, parseInventory } from '@smart-fleet/model';
import { formatResult, type LoadResult, runLoad } from './load/open-loop.ts';

const { values } = parseArgs({
  options: {
    sites: { type: 'string' },
    rate: { type: 'string', default: '500' },
    seconds: { type: 'string', default: '20' },
    churn: { type: 'string', default: '100' },
  },
});
const total = Number(values.sites ?? NATIONAL_FLEET.apartments + NATIONAL_FLEET.schools);
const rate = Number(values.rate);
const seconds = Number(values.seconds);
const churnRate = Number(values.churn);
const NAMESPACE = 'bench-fleet';
const SETTLE_SECONDS = 30;

const QUERIES = {
  fleetSummary: `{ fleetSummary { sites activeStreams egressMbps egressCapacityMbps utilization saturatedSites
    byPhase { phase count } byRegion { region sites activeStreams egressMbps egressCapacityMbps }
    byRelease { release count } byKind { kind count } } }`,
  sitePage: `query Page($after: String) {
    sites(first: 50, after: $after, filter: { regions: [SEOUL, GYEONGGI], kinds: [APARTMENT_COMPLEX] },
          sort: { field: SUBSCRIBER_CAP, direction: DESC }) {
      totalCount pageInfo { hasNextPage endCursor }
      edges { cursor node { id name phase spec { kind subscriberCap tenant location { region address }
        streaming { egressBudgetMbps } } status { lastHeartbeat telemetry { activeStreams egressMbps } } } }
    } }`,
};

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

const dir = mkdtempSync(join(tmpdir(), 'smart-fleet-bench-api-'));
const figures: Record<string, unknown> = {
  sites: total,
  offeredRate: rate,
  seconds,
  churnPerSecond: churnRate,
  cpus: cpus().length,
};
try {
  const hub = await startHub({
    dir,
    apiserverPort: await freePort(),
    etcdPort: await freePort(),
    etcdPeerPort: await freePort(),
  });
  const client = await loadFleet(hub.kubeconfig);
  // The hub digests 21,000 new objects for a while after the apply (the controller-manager's
  // garbage collector graphs them all); measured after that, as a running fleet's hub would be.
  console.log(`[bench] letting the hub settle for ${SETTLE_SECONDS} s`);
  await new Promise((resolve) => setTimeout(resolve, SETTLE_SECONDS * 1000));
  const issuer = await startDevIssuer({ dir });
  const token = await issuer.sign({ sub: 'bench', roles: ['noc'] });
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const serve = async (responseCache: boolean) => {
    const api = await startApiServer({
      client,
      oidc: issuer.config,
      keysNamespace: NAMESPACE,
      responseCache,
    });
    await waitFor(async () => api.view.sites.size >= total, {
      timeoutMs: 120_000,
      what: 'the view to hold every site',
    });
    return api;
  };
  const measure = async (url: string, phase: string) => {
    const results: Record<string, LoadResult> = {};
    for (const [name, query] of Object.entries(QUERIES)) {
      const result = await runLoad({
        url,
        headers,
        body: JSON.stringify({ query }),
        ratePerSecond: rate,
        durationSeconds: seconds,
        warmupSeconds: 5,
      });
      results[name] = result;
      console.log(formatResult(`${name} (${phase})`, result));
    }
    return results;
  };
  // Without the response cache every request runs: the API's raw cost per query.
  const raw = await serve(false);
  figures.quietUncached = await measure(raw.url, 'quiet fleet, no response cache');
  await raw.stop();
  const api = await serve(true);
  figures.quiet = await measure(api.url, 'quiet fleet');
  if (churnRate > 0) {
    const churn = startChurn(hub.kubeconfig, Object.keys(QUERIES).length * (seconds + 6) + 5);
    await churn.listed;
    figures.underChurn = await measure(api.url, `${churnRate} status writes/s`);
    figures.churn = await churn.done;
  }
  await api.stop();
  await issuer.stop();
} finally {
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
