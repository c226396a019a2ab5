/**
 * `npm run prometheus -- <command>`: start, stop, status or reset the local Prometheus that keeps
 * telemetry history (the one `npm start` runs beside the hub, in the hub's directory).
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_HUB_DIR } from '@smart-fleet/kube';
import { parseDuration } from '@smart-fleet/model';
import {
  DEFAULT_PROMETHEUS_PORT,
  prometheusStatus,
  resetPrometheus,
  startPrometheus,
  stopPrometheus,
} from './local-prometheus.ts';

const USAGE = `usage: npm run prometheus -- <start|stop|status|reset> [options]

  start    start Prometheus 2.42 on loopback (fetched from Debian's package on first use)
  stop     stop it; the data stays for the next start
  status   say whether it runs and is ready
  reset    stop it and delete its data

options:
  --dir DIR               default ${join(DEFAULT_HUB_DIR, 'prometheus')}
  --port N                default ${DEFAULT_PROMETHEUS_PORT}
  --scrape-interval 5s    how often the operators are scraped
  --retention 15d         how long samples are kept
  --replay-window 14h     how old an agent's replayed sample may be (out-of-order window)`;

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    dir: { type: 'string', default: join(DEFAULT_HUB_DIR, 'prometheus') },
    port: { type: 'string' },
    'scrape-interval': { type: 'string', default: '5s' },
    retention: { type: 'string', default: '15d' },
    'replay-window': { type: 'string', default: '14h' },
    help: { type: 'boolean', short: 'h' },
  },
});

async function start(dir: string): Promise<number> {
  const port = Number(values.port ?? DEFAULT_PROMETHEUS_PORT);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new Error(`--port must be a port number (1-65535), not ${JSON.stringify(values.port)}`);
  }
  parseDuration(values.retention, '--retention');
  const info = await startPrometheus({
    dir,
    port,
    scrapeIntervalMs: parseDuration(values['scrape-interval'], '--scrape-interval'),
    outOfOrderWindowMs: parseDuration(values['replay-window'], '--replay-window'),
    retention: values.retention,
  });
  console.log(info.url);
  return 0;
}

async function stop(dir: string): Promise<number> {
  if (!(await stopPrometheus(dir))) {
    console.error(`[prometheus] none is running in ${dir}`);
  }
  return 0;
}

async function status(dir: string): Promise<number> {
  const s = await prometheusStatus(dir);
  if (s.state === 'running') {
    console.log(`running: ${s.info.url}, ${s.ready ? 'ready' : 'NOT ready'}; retention ${s.info.retention}`);
    return s.ready ? 0 : 1;
  }
  if (s.state === 'stale') {
    console.log(`stale: state in ${dir} but process ${s.info.pid} is gone; run start`);
    return 1;
  }
  console.log(`stopped (${dir})`);
  return 3;
}

async function reset(dir: string): Promise<number> {
  await resetPrometheus(dir);
  return 0;
}

const COMMANDS: Record<string, (dir: string) => Promise<number>> = { start, stop, status, reset };

async function main(command: string | undefined): Promise<number> {
  const run = command === undefined ? undefined : COMMANDS[command];
  if (!run || values.help) {
    console.error(USAGE);
    return values.help ? 0 : 2;
  }
  return run(values.dir);
}

main(positionals[0]).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(`[prometheus] ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  },
);
