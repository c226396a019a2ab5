/**
 * `npm run hub -- <command>`: start, stop, status or reset the local hub.
 * Ports and directory default to the ones `npm start` uses.
 */
import { parseArgs } from 'node:util';
import { DEFAULT_HUB_DIR } from '@smart-fleet/kube';
import { DEFAULT_HUB_PORTS, hubStatus, resetHub, startHub, stopHub } from './local-hub.ts';
import { KUBE_VERSION } from './toolchain.ts';

const USAGE = `usage: npm run hub -- <start|stop|status|reset> [options]

  start    start etcd, kube-apiserver ${KUBE_VERSION} and kube-controller-manager on loopback
           (builds the toolchain on first use, about 10 minutes; cached afterwards)
  stop     stop them; the data stays for the next start
  status   say whether the hub runs and answers
  reset    stop and delete the hub's data, certificates and logs

options:
  --dir DIR             hub directory (default ${DEFAULT_HUB_DIR}, or $SMART_FLEET_HUB_DIR)
  --apiserver-port N    default ${DEFAULT_HUB_PORTS.apiserverPort}
  --etcd-port N         default ${DEFAULT_HUB_PORTS.etcdPort}
  --etcd-peer-port N    default ${DEFAULT_HUB_PORTS.etcdPeerPort}`;

function port(value: string | undefined, fallback: number, flag: string): number {
  if (value === undefined) {
    return fallback;
  }
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 65535) {
    throw new Error(`--${flag} must be a port number (1-65535), not ${JSON.stringify(value)}`);
  }
  return n;
}

const OPTIONS = {
  dir: { type: 'string' },
  'apiserver-port': { type: 'string' },
  'etcd-port': { type: 'string' },
  'etcd-peer-port': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>['values'];

async function start(dir: string, values: Values): Promise<number> {
  const info = await startHub({
    dir,
    apiserverPort: port(values['apiserver-port'], DEFAULT_HUB_PORTS.apiserverPort, 'apiserver-port'),
    etcdPort: port(values['etcd-port'], DEFAULT_HUB_PORTS.etcdPort, 'etcd-port'),
    etcdPeerPort: port(values['etcd-peer-port'], DEFAULT_HUB_PORTS.etcdPeerPort, 'etcd-peer-port'),
  });
  console.log(`export KUBECONFIG=${info.kubeconfig}`);
  return 0;
}

async function stop(dir: string): Promise<number> {
  if (!(await stopHub(dir))) {
    console.error(`[hub] no hub is running in ${dir}`);
  }
  return 0;
}

async function status(dir: string): Promise<number> {
  const s = await hubStatus(dir);
  if (s.state === 'running') {
    console.log(`running: ${s.info.server} ${s.info.version}, ${s.ready ? 'ready' : 'NOT ready'}`);
    console.log(`kubeconfig: ${s.info.kubeconfig}`);
    return s.ready ? 0 : 1;
  }
  if (s.state === 'stale') {
    console.log(`stale: state in ${dir} but only ${s.alive.length} of 3 processes alive; run stop or start`);
    return 1;
  }
  console.log(`stopped (${dir})`);
  return 3;
}

const COMMANDS: Record<string, (dir: string, values: Values) => Promise<number>> = {
  start,
  stop,
  status,
  reset: async (dir) => {
    await resetHub(dir);
    return 0;
  },
};

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: OPTIONS });
  const command = positionals[0];
  if (values.help || !command) {
    console.log(USAGE);
    return values.help ? 0 : 2;
  }
  const run = COMMANDS[command];
  if (!run) {
    console.error(`unknown command ${JSON.stringify(command)}\n${USAGE}`);
    return 2;
  }
  return run(values.dir ?? DEFAULT_HUB_DIR, values);
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(`[hub] ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  },
);
