/**
 * Benchmark: operator failover under a hung renew, with the lease settings `npm start`,
 * `npm run operators` and the hub stack run (kube's DEFAULT_LEASE_TIMING: lease 15 s, renew
 * deadline 10 s, retry 2 s). Two operator managers, each reaching the API server through its
 * own proxy; the leader's proxy starts stalling (it holds every connection open and answers
 * nothing). Per run it measures, from the stall: the old leader stopping (its controllers
 * stopped), the standby leading, and the standby's first reconcile. Prints the figures and
 * records them in bench/results/leader-failover.json.
 *   npm run bench:failover [-- --runs N]
 * Uses $KUBECONFIG's cluster if set; otherwise starts a throwaway local hub on free ports.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { applyInventory, freePort, installCrds, startHub, stopHub } from '@smart-fleet/hub';
import { connect, DEFAULT_LEASE_TIMING, type KubeClient, silentLogger, waitFor } from '@smart-fleet/kube';
import { parseInventory } from '@smart-fleet/model';
import { type Manager, startManager } from '@smart-fleet/operators';
import { CuttableProxy, kubeconfigThrough } from '../test/support/cuttable-proxy.ts';
import { smallFleet, toYaml } from '../test/support/fleet-fixtures.ts';

const { values } = parseArgs({ options: { runs: { type: 'string' } } });
const runs = Number(values.runs ?? 5);
if (!Number.isInteger(runs) || runs < 1 || runs > 20) {
  throw new Error(`--runs must be a whole number from 1 to 20, not ${values.runs}`);
}
const { leaseDurationMs, renewDeadlineMs, retryMs } = DEFAULT_LEASE_TIMING;
const namespace = `bench-failover-${process.pid}`;

interface Replica {
  identity: string;
  manager: Manager;
  proxy: CuttableProxy;
  lostAt?: number;
}

interface Run {
  stoppedSeconds: number;
  ledSeconds: number;
  firstReconcileSeconds: number;
}

const reconciles = async (m: Manager) =>
  [...(await m.registry.metrics()).matchAll(/smartfleet_reconcile_total\{[^}]*\} (\d+)/g)].reduce(
    (sum, match) => sum + Number(match[1]),
    0,
  );

async function replica(kubeconfig: string, server: string, identity: string): Promise<Replica> {
  const proxy = new CuttableProxy(server);
  await proxy.restore();
  const r: Partial<Replica> = { identity, proxy };
  r.manager = await startManager({
    client: connect(kubeconfigThrough(kubeconfig, proxy)),
    namespace,
    log: silentLogger,
    leaderElection: {
      namespace,
      identity,
      onLost: () => {
        r.lostAt = performance.now(); // its controllers have stopped
      },
    },
  });
  return r as Replica;
}

async function failover(
  kubeconfig: string,
  server: string,
  leader: Replica,
  run: number,
): Promise<[Run, Replica]> {
  const standby = await replica(kubeconfig, server, `standby-${run}`);
  // The stall lands anywhere in the leader's renew cycle, as a real one would.
  await new Promise((resolve) => setTimeout(resolve, Math.random() * retryMs));
  const stalled = performance.now();
  leader.proxy.stall();
  const led = await waitFor(async () => standby.manager.leading() && performance.now(), {
    what: 'the standby to lead',
    timeoutMs: leaseDurationMs * 3,
    intervalMs: 20,
  });
  const acted = await waitFor(async () => (await reconciles(standby.manager)) > 0 && performance.now(), {
    what: "the new leader's first reconcile",
    timeoutMs: 30_000,
    intervalMs: 20,
  });
  const stopped = await waitFor(async () => leader.lostAt, {
    what: 'the old leader to stop',
    timeoutMs: 1000,
  });
  if (stopped > led) {
    throw new Error(`run ${run}: the old leader stopped ${stopped - led} ms after the new one led`);
  }
  await leader.manager.stop();
  await leader.proxy.cut();
  const s = (t: number) => Number(((t - stalled) / 1000).toFixed(2));
  return [{ stoppedSeconds: s(stopped), ledSeconds: s(led), firstReconcileSeconds: s(acted) }, standby];
}

const stats = (xs: number[]) => {
  const sorted = [...xs].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
  return { min: sorted[0], median: at(0.5), max: sorted.at(-1) };
};

async function bench(client: KubeClient, kubeconfig: string): Promise<Run[]> {
  const parsed = parseInventory([{ file: 'fleet.yaml', text: toYaml(smallFleet(namespace, 4)) }]);
  if (!parsed.inventory) {
    throw new Error('the bench fleet does not parse');
  }
  await applyInventory(client, parsed.inventory);
  let leader = await replica(kubeconfig, client.server, 'leader-0');
  await waitFor(async () => leader.manager.leading(), {
    what: 'the first leader',
    timeoutMs: leaseDurationMs * 2,
  });
  const results: Run[] = [];
  for (let run = 1; run <= runs; run++) {
    const [result, next] = await failover(kubeconfig, client.server, leader, run);
    console.error(`[bench] run ${run}: ${JSON.stringify(result)}`);
    results.push(result);
    leader = next;
  }
  await leader.manager.stop();
  await leader.proxy.cut();
  return results;
}

const dir = process.env.KUBECONFIG ? undefined : mkdtempSync(join(tmpdir(), 'smart-fleet-bench-'));
let results: Run[] = [];
let apiserver = '';
try {
  const hub = dir
    ? await startHub({
        dir,
        apiserverPort: await freePort(),
        etcdPort: await freePort(),
        etcdPeerPort: await freePort(),
      })
    : undefined;
  const kubeconfig = hub?.kubeconfig ?? process.env.KUBECONFIG ?? '';
  const client = connect(kubeconfig);
  apiserver = hub?.version ?? client.server;
  await installCrds(client);
  results = await bench(client, kubeconfig);
} finally {
  if (dir) {
    await stopHub(dir);
    rmSync(dir, { recursive: true, force: true });
  }
}

const figures = {
  date: new Date().toISOString(),
  cpus: cpus().length,
  node: process.version,
  apiserver,
  leaseDurationMs,
  renewDeadlineMs,
  retryMs,
  runs: results.length,
  /** From the stall to the old leader's controllers stopped. */
  oldLeaderStoppedSeconds: stats(results.map((r) => r.stoppedSeconds)),
  /** From the stall to the standby leading (its controllers started). */
  newLeaderLedSeconds: stats(results.map((r) => r.ledSeconds)),
  /** From the stall to the new leader's first finished reconcile. */
  newLeaderFirstReconcileSeconds: stats(results.map((r) => r.firstReconcileSeconds)),
  perRun: results,
};
console.log(JSON.stringify(figures, null, 2));
const out = join(import.meta.dirname, 'results');
mkdirSync(out, { recursive: true });
writeFileSync(join(out, 'leader-failover.json'), `${JSON.stringify(figures, null, 2)}\n`);
