/**
 * Benchmark: what a quiet fleet costs the hub in writes. N sites (21,000 by default, the
 * national fleet) all Ready and heartbeating every 5 s, nothing changing: every write the hub's
 * API server takes is counted from its own metrics (apiserver_request_total: POST, PUT, PATCH,
 * APPLY, DELETE), per resource, over a measured window, beside the target of 20 writes/s.
 *
 * Heartbeats go straight into the operators' heartbeat store (ManagerOptions.heartbeats): 4,200
 * HTTP heartbeats a second would measure the agents' endpoint on these two cores, not the hub's
 * writes, which never depend on how a heartbeat arrived.
 *
 * The steady state needs each site's last written heartbeat time to be spread over the refresh
 * period, as half an hour of running leaves it. The benchmark gets there without waiting: the
 * fleet is brought to Ready once, then each site's lastHeartbeat is set back by a uniformly
 * spread amount (as the health controller would have written it), and a fresh set of operators
 * takes over (a failover) before the window is measured.
 *   npm run bench:quiet-writes [-- --sites 21000 --seconds 180]
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  applyInventory,
  ensureToolchain,
  freePort,
  installCrds,
  ProgressLine,
  startHub,
  stopHub,
} from '@smart-fleet/hub';
import {
  applyStatus,
  connect,
  forEachLimited,
  type KubeClient,
  listAll,
  ownedPart,
  silentLogger,
  waitFor,
} from '@smart-fleet/kube';
import { generateFleet, NATIONAL_FLEET, parseInventory, type Site, siteKind } from '@smart-fleet/model';
import { DEFAULT_HEALTH } from '../operators/src/controllers/site-health.ts';
import { HeartbeatStore } from '../operators/src/health/heartbeat-store.ts';
import { type Manager, startManager } from '../operators/src/manager.ts';
import { SITE_HEALTH_STATUS } from '../operators/src/status-owners.ts';

const { values } = parseArgs({
  options: {
    sites: { type: 'string' },
    seconds: { type: 'string', default: '180' },
  },
});
const total = Number(values.sites ?? NATIONAL_FLEET.apartments + NATIONAL_FLEET.schools);
const seconds = Number(values.seconds);
const NAMESPACE = 'bench-quiet';
const HEARTBEAT_MS = 5000;
const SETTLE_SECONDS = 60;
const TARGET_WRITES_PER_SECOND = 20;
const calm = {
  activeStreams: 120,
  egressMbps: 900,
  cacheHitRatio: 0.9,
  storageUsedGB: 300,
  acceleratorsHealthy: 4,
  drmDenials: 0,
  errors: 0,
};

async function loadFleet(client: KubeClient): Promise<string[]> {
  const apartments = Math.round(
    (total * NATIONAL_FLEET.apartments) / (NATIONAL_FLEET.apartments + NATIONAL_FLEET.schools),
  );
  const doc = generateFleet({ apartments, schools: total - apartments, namespace: NAMESPACE });
  const { inventory } = parseInventory([{ file: 'national.yaml', text: JSON.stringify(doc) }]);
  if (!inventory) {
    throw new Error('the generated fleet does not parse');
  }
  await installCrds(client);
  const progress = new ProgressLine('[bench] fleet applied');
  await applyInventory(client, inventory, { concurrency: 32, onProgress: (c) => progress.update(c) });
  return inventory.objects.filter((o) => o.kind === 'Site').map((o) => `${NAMESPACE}/${o.metadata.name}`);
}

/**
 * Every site heartbeats calmly every 5 s, spread over the interval as real agents would be. The
 * count due is worked out from the time elapsed, not from timer ticks, so a busy event loop
 * (late ticks) delays beats by at most its lag instead of stretching every site's interval.
 */
function feedHeartbeats(store: HeartbeatStore, keys: readonly string[]) {
  const started = performance.now();
  let sent = 0;
  const timer = setInterval(() => {
    const due = Math.floor(((performance.now() - started) * keys.length) / HEARTBEAT_MS);
    for (; sent < due; sent++) {
      store.record(keys[sent % keys.length] as string, { at: Date.now(), telemetry: calm });
    }
  }, 100);
  return () => clearInterval(timer);
}

/** The hub's write counts by verb and resource, from the API server's own metrics. */
function hubWrites(kubeconfig: string, kubectl: string): Map<string, number> {
  const text = execFileSync(kubectl, ['get', '--raw', '/metrics'], {
    env: { ...process.env, KUBECONFIG: kubeconfig },
    // The API server's metrics run to megabytes (latency histograms per resource).
    maxBuffer: 256 * 1024 * 1024,
  }).toString();
  const counts = new Map<string, number>();
  for (const m of text.matchAll(/^apiserver_request_total\{([^}]*)\} (\d+)$/gm)) {
    const labels = Object.fromEntries(
      [...(m[1] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((l) => [l[1], l[2]]),
    );
    // The API server counts a server-side apply (a PATCH with the apply content type) as APPLY.
    if (['POST', 'PUT', 'PATCH', 'APPLY', 'DELETE'].includes(labels.verb ?? '')) {
      const key = `${labels.verb} ${labels.resource}${labels.subresource ? `/${labels.subresource}` : ''}`;
      counts.set(key, (counts.get(key) ?? 0) + Number(m[2]));
    }
  }
  return counts;
}

/** Reconciles per controller and result since the operators started, from their own metrics. */
async function reconcileCounts(metricsUrl: string): Promise<Record<string, number>> {
  const text = await (await fetch(`${metricsUrl}/metrics`)).text();
  const counts: Record<string, number> = {};
  for (const m of text.matchAll(/^smartfleet_reconcile_total\{([^}]*)\} (\d+)$/gm)) {
    const labels = (m[1] ?? '').replaceAll('"', '');
    counts[labels] = Number(m[2]);
  }
  return counts;
}

/**
 * Sites settled as half an hour of running leaves them: Ready, and admitted (the admission
 * controller's finalizer and verdict written). Heartbeats go straight to the store here, so a
 * site can be Ready before admission has reached it; counting Ready alone handed the second
 * operators thousands of admissions to do inside the measured window.
 */
const settled = (site: Site & { metadata: { finalizers?: string[] } }) =>
  site.status?.phase === 'Ready' &&
  (site.metadata.finalizers ?? []).length > 0 &&
  site.status.conditions?.some((c) => c.type === 'Admitted' && c.status === 'True') === true;

const ready = async (client: KubeClient) =>
  (await listAll(client, 'Site', NAMESPACE)).filter((s) => settled(s as never)).length;

/** Sites whose last written heartbeat is older than the refresh period (plus a beat): due now. */
const overdueSites = async (client: KubeClient) => {
  const due = Date.now() - DEFAULT_HEALTH.refreshEveryMs - 5000;
  return (await listAll(client, 'Site', NAMESPACE)).filter(
    (s) => Date.parse((s as Site).status?.lastHeartbeat ?? '') < due,
  ).length;
};

const operators = (client: KubeClient, store: HeartbeatStore): Promise<Manager> =>
  startManager({
    client,
    namespace: NAMESPACE,
    log: silentLogger,
    heartbeats: store,
    leaderElection: { namespace: NAMESPACE, identity: `bench-${Date.now()}` },
  });

const dir = mkdtempSync(join(tmpdir(), 'smart-fleet-bench-quiet-'));
const figures: Record<string, unknown> = {
  sites: total,
  seconds,
  cpus: cpus().length,
  refreshEveryMs: DEFAULT_HEALTH.refreshEveryMs,
};
// Interrupted, the throwaway hub goes too (a finally block does not run on a signal).
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void stopHub(dir).finally(() => {
      rmSync(dir, { recursive: true, force: true });
      process.exit(130);
    });
  });
}
try {
  const hub = await startHub({
    dir,
    apiserverPort: await freePort(),
    etcdPort: await freePort(),
    etcdPeerPort: await freePort(),
  });
  const client = connect(hub.kubeconfig);
  const { kubectl } = await ensureToolchain(() => {});
  const keys = await loadFleet(client);
  await client.core.createNamespace({ body: { metadata: { name: NAMESPACE } } }).catch(() => undefined);

  console.log('[bench] bringing every site to Ready');
  const first = new HeartbeatStore();
  const stopFirst = feedHeartbeats(first, keys);
  let manager = await operators(client, first);
  const readying = new ProgressLine('[bench] sites Ready and admitted');
  await waitFor(
    async () => {
      const done = await ready(client);
      readying.update({ done, total });
      return done === total;
    },
    {
      what: 'every site Ready and admitted',
      timeoutMs: 3_600_000,
      // Listing 21,000 sites costs the process that also runs the operators: not too often.
      intervalMs: 15_000,
    },
  );
  await manager.stop();
  stopFirst();

  console.log('[bench] spreading lastHeartbeat over the refresh period, as half an hour of running would');
  const sites = (await listAll(client, 'Site', NAMESPACE)) as unknown as (Site & {
    metadata: { name: string };
  })[];
  await forEachLimited(sites, 32, async (site, i) => {
    const ago = Math.floor(((i + 0.5) / sites.length) * DEFAULT_HEALTH.refreshEveryMs);
    const status = {
      ...ownedPart(SITE_HEALTH_STATUS, site.status),
      // Set back from the moment of each write: the minutes the 21,000 writes take must not
      // age the first ones past the refresh period before the count starts.
      lastHeartbeat: new Date(Date.now() - ago).toISOString().replace(/\.\d+Z$/, 'Z'),
    };
    await applyStatus(client, siteKind, site, SITE_HEALTH_STATUS, status);
  });

  console.log(`[bench] fresh operators take over; settling ${SETTLE_SECONDS} s, then counting ${seconds} s`);
  const second = new HeartbeatStore();
  const stopSecond = feedHeartbeats(second, keys);
  manager = await operators(client, second);
  await new Promise((resolve) => setTimeout(resolve, SETTLE_SECONDS * 1000));
  // The takeover's own work (sites whose refresh fell due while no operators ran) is done
  // before the count starts: a failover's backlog is not what a quiet fleet costs.
  const catchUpStarted = performance.now();
  await waitFor(
    async () => {
      const n = await overdueSites(client);
      console.log(`[bench] sites overdue for their refresh: ${n}`);
      return n === 0 ? { n } : undefined;
    },
    { what: 'no site overdue for its refresh', timeoutMs: 900_000, intervalMs: 15_000 },
  );
  figures.takeoverCatchUpSeconds = Math.round((performance.now() - catchUpStarted) / 1000) + SETTLE_SECONDS;
  const before = hubWrites(hub.kubeconfig, kubectl);
  const startedAt = performance.now();
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  const after = hubWrites(hub.kubeconfig, kubectl);
  const elapsed = (performance.now() - startedAt) / 1000;
  const reconciles = await reconcileCounts(manager.metricsUrl);
  await manager.stop();
  stopSecond();

  const rates: [string, number][] = [...after]
    .map(([k, v]): [string, number] => [k, Number(((v - (before.get(k) ?? 0)) / elapsed).toFixed(2))])
    .filter(([, r]) => r > 0);
  const byResource = Object.fromEntries(rates);
  const perSecond = rates.reduce((sum, [, r]) => sum + r, 0);
  Object.assign(figures, {
    hubWritesPerSecond: Number(perSecond.toFixed(2)),
    targetWritesPerSecond: TARGET_WRITES_PER_SECOND,
    expectedRefreshesPerSecond: Number((total / (DEFAULT_HEALTH.refreshEveryMs / 1000)).toFixed(2)),
    byResource,
    stillReady: await ready(client),
    reconcilesSinceTakeover: reconciles,
  });
  console.log(
    `[bench] ${total} quiet sites: ${perSecond.toFixed(2)} hub writes/s (target <= ${TARGET_WRITES_PER_SECOND}/s); by resource ${JSON.stringify(byResource)}`,
  );
} finally {
  await stopHub(dir);
  rmSync(dir, { recursive: true, force: true });
}

console.log(JSON.stringify(figures, null, 2));
const results = new URL('./results/', import.meta.url);
mkdirSync(results, { recursive: true });
writeFileSync(
  new URL('quiet-fleet-writes.json', results),
  `${JSON.stringify({ date: new Date().toISOString(), ...figures }, null, 2)}\n`,
);
