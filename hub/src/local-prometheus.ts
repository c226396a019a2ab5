/**
 * The local telemetry history: a Prometheus (Debian's 2.42, from the cache that
 * scripts/toolchain/install-prometheus.sh fills) on loopback beside the local hub, with a
 * generated configuration: it scrapes the operators' /metrics at a set interval (5 s here),
 * keeps what it scraped for the retention, and takes agents' replays by remote write into an
 * out-of-order window as long as the replay window. Scrape targets are files in its
 * `targets/` directory (file service discovery, watched by Prometheus), so an operators
 * process on any port registers itself without a restart.
 *
 * Like the hub, it runs detached and is recorded in state.json; start, stop and status work the
 * same way, a port in use or a data directory another Prometheus holds fail with what to do.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { portInUse, waitFor } from '@smart-fleet/kube';
import { DEFAULT_REPLAY_WINDOW_MS, formatDuration } from '@smart-fleet/model';
import { isAlive, logTail, startDetached, stopProcess } from './hub-process.ts';
import { run } from './run.ts';
import { cacheDir } from './toolchain.ts';

const INSTALL_SCRIPT = fileURLToPath(
  new URL('../../scripts/toolchain/install-prometheus.sh', import.meta.url),
);
const STATE_FILE = 'state.json';
export const OPERATORS_JOB = 'smart-fleet-operators';
export const DEFAULT_PROMETHEUS_PORT = 19090;

export interface PrometheusOptions {
  /** Config, data, targets and log live here. */
  dir: string;
  port: number;
  /** How often the operators are scraped (and rules evaluated); default 5 s. */
  scrapeIntervalMs?: number;
  /** How long samples are kept, as Prometheus writes it; default 15d. */
  retention?: string;
  /** How far back a replay may reach (the TSDB's out-of-order window); default 14 h. */
  outOfOrderWindowMs?: number;
  log?: (line: string) => void;
}

export interface PrometheusInfo {
  dir: string;
  url: string;
  pid: number;
  scrapeIntervalMs: number;
  outOfOrderWindowMs: number;
  retention: string;
}

/** The cached Prometheus binary, fetched from Debian's package on first use. */
export async function ensurePrometheus(log: (line: string) => void = console.error): Promise<string> {
  const cached = join(cacheDir(), 'prometheus-2.42', 'bin', 'prometheus');
  if (existsSync(cached)) {
    return cached;
  }
  const out = await run('bash', [INSTALL_SCRIPT], {
    env: { ...process.env, SMART_FLEET_CACHE: cacheDir() },
    onStderrLine: (line) => line.startsWith('[toolchain]') && log(line),
  });
  const binary = join(out.trim().split('\n').at(-1) ?? '', 'prometheus');
  if (!existsSync(binary)) {
    throw new Error(`the Prometheus install finished but ${binary} is missing; see ${INSTALL_SCRIPT}`);
  }
  return binary;
}

/** The generated prometheus.yml. */
export function prometheusConfig(o: {
  targetsDir: string;
  scrapeIntervalMs: number;
  outOfOrderWindowMs: number;
}): string {
  const interval = formatDuration(o.scrapeIntervalMs);
  return [
    '# Written by SMART Fleet (hub/src/local-prometheus.ts) at each start; edits are lost.',
    'global:',
    `  scrape_interval: ${interval}`,
    `  scrape_timeout: ${interval}`,
    `  evaluation_interval: ${interval}`,
    'storage:',
    '  tsdb:',
    `    out_of_order_time_window: ${formatDuration(o.outOfOrderWindowMs)}`,
    'scrape_configs:',
    `  - job_name: ${OPERATORS_JOB}`,
    '    metrics_path: /metrics',
    '    # The site series carry their own namespace label: it wins over any target label.',
    '    honor_labels: true',
    '    file_sd_configs:',
    `      - files: ['${join(o.targetsDir, '*.json')}']`,
    '        refresh_interval: 5s',
    '',
  ].join('\n');
}

/** A live process serving this data directory, whatever started it (the TSDB's lock does not stop a second). */
function holderOf(dataDir: string): number | undefined {
  const flag = `--storage.tsdb.path=${dataDir}\u0000`;
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      if (readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(flag)) {
        return Number(pid);
      }
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return undefined;
}

function readState(dir: string): PrometheusInfo | undefined {
  const file = join(dir, STATE_FILE);
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as PrometheusInfo) : undefined;
}

async function ready(url: string): Promise<boolean> {
  const res = await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(2000) }).catch(() => undefined);
  return res?.status === 200;
}

/** Starts Prometheus in `dir`, or returns the one running there. */
export async function startPrometheus(o: PrometheusOptions): Promise<PrometheusInfo> {
  const log = o.log ?? console.error;
  const previous = readState(o.dir);
  if (previous && isAlive(previous.pid)) {
    log(`[prometheus] already running at ${previous.url} (${o.dir})`);
    return previous;
  }
  if (previous) {
    log(
      `[prometheus] found stale state in ${o.dir} (a Prometheus that did not stop cleanly); starting afresh`,
    );
    rmSync(join(o.dir, STATE_FILE));
  }
  const holder = holderOf(join(o.dir, 'data'));
  if (holder !== undefined) {
    throw new Error(
      `the data directory ${join(o.dir, 'data')} is held by another Prometheus or damaged: stop that one (pid ${holder}), or \`npm run prometheus -- reset\` removes the data`,
    );
  }
  if (await portInUse(o.port)) {
    throw new Error(
      `port ${o.port} (Prometheus) on 127.0.0.1 is already in use by another program; stop it, or choose another port (npm run prometheus -- start --port N)`,
    );
  }
  const binary = await ensurePrometheus(log);
  const scrapeIntervalMs = o.scrapeIntervalMs ?? 5000;
  const outOfOrderWindowMs = o.outOfOrderWindowMs ?? DEFAULT_REPLAY_WINDOW_MS;
  const retention = o.retention ?? '15d';
  const targetsDir = join(o.dir, 'targets');
  mkdirSync(targetsDir, { recursive: true });
  const configFile = join(o.dir, 'prometheus.yml');
  writeFileSync(configFile, prometheusConfig({ targetsDir, scrapeIntervalMs, outOfOrderWindowMs }));
  const logFile = join(o.dir, 'prometheus.log');
  const url = `http://127.0.0.1:${o.port}`;
  const child = startDetached(
    binary,
    [
      `--config.file=${configFile}`,
      `--storage.tsdb.path=${join(o.dir, 'data')}`,
      `--storage.tsdb.retention.time=${retention}`,
      `--web.listen-address=127.0.0.1:${o.port}`,
      '--web.enable-remote-write-receiver',
      '--log.level=warn',
    ],
    logFile,
  );
  try {
    await waitFor(async () => (await ready(url)) || undefined, {
      what: 'Prometheus to become ready',
      timeoutMs: 60_000,
      abortReason: child.exitReason,
    });
  } catch (error) {
    await stopProcess(child.pid, 2000);
    const tail = logTail(logFile);
    const hint = /lock DB directory|opening storage failed|corrupt/.test(tail)
      ? `\nThe data directory ${join(o.dir, 'data')} is held by another Prometheus or damaged: stop that one, or \`npm run prometheus -- reset\` removes the data.`
      : '';
    throw new Error(`${(error as Error).message}\n--- last lines of ${logFile} ---\n${tail}${hint}`);
  }
  const info: PrometheusInfo = {
    dir: o.dir,
    url,
    pid: child.pid,
    scrapeIntervalMs,
    outOfOrderWindowMs,
    retention,
  };
  writeFileSync(join(o.dir, STATE_FILE), JSON.stringify(info, null, 2));
  log(
    `[prometheus] ready at ${url} (scrape every ${formatDuration(scrapeIntervalMs)}, retention ${retention})`,
  );
  return info;
}

/** Stops the Prometheus in `dir`; false if none ran. Its data stays for the next start. */
export async function stopPrometheus(
  dir: string,
  log: (line: string) => void = console.error,
): Promise<boolean> {
  const state = readState(dir);
  if (!state) {
    return false;
  }
  await stopProcess(state.pid);
  rmSync(join(dir, STATE_FILE));
  log(`[prometheus] stopped (${dir}); data kept for the next start`);
  return true;
}

export type PrometheusStatus =
  | { state: 'stopped'; dir: string }
  | { state: 'stale'; dir: string; info: PrometheusInfo }
  | { state: 'running'; dir: string; info: PrometheusInfo; ready: boolean };

export async function prometheusStatus(dir: string): Promise<PrometheusStatus> {
  const info = readState(dir);
  if (!info) {
    return { state: 'stopped', dir };
  }
  if (!isAlive(info.pid)) {
    return { state: 'stale', dir, info };
  }
  return { state: 'running', dir, info, ready: await ready(info.url) };
}

/** Stops Prometheus and deletes its data, configuration and log. */
export async function resetPrometheus(
  dir: string,
  log: (line: string) => void = console.error,
): Promise<void> {
  await stopPrometheus(dir, log);
  rmSync(dir, { recursive: true, force: true });
  log(`[prometheus] removed ${dir}`);
}

const TARGET_NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;

/**
 * Has the Prometheus in `dir` scrape `metricsUrl` (an http://127.0.0.1:PORT base) as the
 * operators' job; Prometheus notices the file within seconds. `name` keeps targets apart.
 */
export function addScrapeTarget(dir: string, name: string, metricsUrl: string): void {
  if (!TARGET_NAME.test(name)) {
    throw new RangeError(
      `scrape target name must be lower-case letters, digits and dashes, not ${JSON.stringify(name)}`,
    );
  }
  const { host } = new URL(metricsUrl);
  const file = join(dir, 'targets', `${name}.json`);
  mkdirSync(join(dir, 'targets'), { recursive: true });
  writeFileSync(`${file}.tmp`, JSON.stringify([{ targets: [host], labels: {} }]));
  // Renamed into place: Prometheus never reads a half-written file.
  renameSync(`${file}.tmp`, file);
}

export function removeScrapeTarget(dir: string, name: string): void {
  rmSync(join(dir, 'targets', `${name}.json`), { force: true });
}
