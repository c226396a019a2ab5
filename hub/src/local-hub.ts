/**
 * The local hub: etcd, kube-apiserver and kube-controller-manager on loopback, with TLS
 * everywhere, client-certificate authentication and RBAC. Processes run detached, so the hub
 * outlives the command that started it; state.json in the hub directory records them.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { portInUse } from '@smart-fleet/kube';
import { httpsGet, type TlsFiles } from './https-probe.ts';
import { awaitReady, isAlive, startDetached, stopProcess } from './hub-process.ts';
import { writeKubeconfig } from './kubeconfig.ts';
import { ensurePki, type Pki, pkiAt } from './pki.ts';
import { ensureToolchain, type Toolchain } from './toolchain.ts';

export interface HubOptions {
  dir: string;
  apiserverPort: number;
  etcdPort: number;
  etcdPeerPort: number;
  log?: (line: string) => void;
}

export interface HubInfo {
  dir: string;
  kubeconfig: string;
  server: string;
  version: string;
  etcdPort: number;
  pids: { etcd: number; apiserver: number; controllerManager: number };
}

export const DEFAULT_HUB_PORTS = { apiserverPort: 16443, etcdPort: 12379, etcdPeerPort: 12380 } as const;

const STATE_FILE = 'state.json';
const COMPONENTS = ['etcd', 'apiserver', 'controllerManager'] as const;

function readState(dir: string): HubInfo | undefined {
  const file = join(dir, STATE_FILE);
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as HubInfo) : undefined;
}

function runningPids(info: HubInfo): number[] {
  return COMPONENTS.map((c) => info.pids[c]).filter(isAlive);
}

function etcdArgs(o: HubOptions, pki: Pki): string[] {
  const server = pki.cert('etcd-server');
  const peer = `http://127.0.0.1:${o.etcdPeerPort}`;
  const client = `https://127.0.0.1:${o.etcdPort}`;
  return [
    '--name=hub',
    `--data-dir=${join(o.dir, 'etcd')}`,
    `--listen-client-urls=${client}`,
    `--advertise-client-urls=${client}`,
    `--listen-peer-urls=${peer}`,
    `--initial-advertise-peer-urls=${peer}`,
    `--initial-cluster=hub=${peer}`,
    `--cert-file=${server.cert}`,
    `--key-file=${server.key}`,
    `--trusted-ca-file=${pki.caCert}`,
    '--client-cert-auth',
    '--logger=zap',
    '--log-outputs=stderr',
  ];
}

function apiserverArgs(o: HubOptions, pki: Pki): string[] {
  const etcdClient = pki.cert('apiserver-etcd-client');
  const serving = pki.cert('apiserver');
  return [
    `--etcd-servers=https://127.0.0.1:${o.etcdPort}`,
    `--etcd-cafile=${pki.caCert}`,
    `--etcd-certfile=${etcdClient.cert}`,
    `--etcd-keyfile=${etcdClient.key}`,
    '--bind-address=127.0.0.1',
    '--advertise-address=127.0.0.1',
    `--secure-port=${o.apiserverPort}`,
    '--insecure-port=0',
    `--tls-cert-file=${serving.cert}`,
    `--tls-private-key-file=${serving.key}`,
    `--client-ca-file=${pki.caCert}`,
    '--anonymous-auth=false',
    '--authorization-mode=RBAC',
    `--service-account-key-file=${pki.saPub}`,
    `--service-account-signing-key-file=${pki.saKey}`,
    '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
    '--api-audiences=https://kubernetes.default.svc.cluster.local',
    // Service IPs are bookkeeping only here: nothing routes them on a loopback hub.
    '--service-cluster-ip-range=10.96.0.0/16',
    `--cert-dir=${join(o.dir, 'apiserver')}`,
    // The `kubernetes` Service cannot point at loopback; nothing in the hub needs it.
    '--endpoint-reconciler-type=none',
    '--profiling=false',
  ];
}

export function controllerManagerArgs(pki: Pki, kubeconfig: string): string[] {
  return [
    `--kubeconfig=${kubeconfig}`,
    `--service-account-private-key-file=${pki.saKey}`,
    `--root-ca-file=${pki.caCert}`,
    `--cluster-signing-cert-file=${pki.caCert}`,
    `--cluster-signing-key-file=${pki.caKey}`,
    '--use-service-account-credentials=true',
    '--leader-elect=false',
    '--port=0',
    '--secure-port=0',
    '--profiling=false',
  ];
}

async function checkPortsFree(o: HubOptions): Promise<void> {
  const ports = { 'kube-apiserver': o.apiserverPort, 'etcd client': o.etcdPort, 'etcd peer': o.etcdPeerPort };
  for (const [what, port] of Object.entries(ports)) {
    if (await portInUse(port)) {
      throw new Error(
        `port ${port} (${what}) on 127.0.0.1 is already in use by another program; stop it, or choose other ports (npm run hub -- start --help)`,
      );
    }
  }
}

async function startComponents(o: HubOptions, tc: Toolchain, pki: Pki) {
  const logs = join(o.dir, 'logs');
  mkdirSync(logs, { recursive: true });
  const admin = pki.cert('admin');
  const adminTls: TlsFiles = { ca: pki.caCert, ...admin };
  const etcdLog = join(logs, 'etcd.log');
  const etcd = startDetached(tc.etcd, etcdArgs(o, pki), etcdLog);
  const etcdTls: TlsFiles = { ca: pki.caCert, ...pki.cert('apiserver-etcd-client') };
  const etcdHealthy = async () =>
    (await httpsGet(`https://127.0.0.1:${o.etcdPort}/health`, etcdTls)).body.includes('true');
  await awaitReady({ name: 'etcd', log: etcdLog, process: etcd, timeoutMs: 30000, ready: etcdHealthy }).catch(
    (error: Error) => {
      throw new Error(
        `${error.message}\nIf the data dir ${join(o.dir, 'etcd')} is stale, \`npm run hub -- reset\` removes it.`,
      );
    },
  );
  const server = `https://127.0.0.1:${o.apiserverPort}`;
  const apiLog = join(logs, 'kube-apiserver.log');
  const apiserver = startDetached(tc.kubeApiserver, apiserverArgs(o, pki), apiLog);
  const apiReady = async () => (await httpsGet(`${server}/readyz`, adminTls)).status === 200;
  await awaitReady({
    name: 'kube-apiserver',
    log: apiLog,
    process: apiserver,
    timeoutMs: 90000,
    ready: apiReady,
  });
  const cmKubeconfig = join(o.dir, 'controller-manager.kubeconfig');
  writeKubeconfig(cmKubeconfig, {
    server,
    caFile: pki.caCert,
    ...certFiles(pki, 'controller-manager'),
    user: 'system:kube-controller-manager',
    contextName: 'smart-fleet-hub',
  });
  const cmLog = join(logs, 'kube-controller-manager.log');
  const cm = startDetached(tc.kubeControllerManager, controllerManagerArgs(pki, cmKubeconfig), cmLog);
  // The service-account controller making `default` in `default` shows the controllers run.
  const cmReady = async () =>
    (await httpsGet(`${server}/api/v1/namespaces/default/serviceaccounts/default`, adminTls)).status === 200;
  await awaitReady({
    name: 'kube-controller-manager',
    log: cmLog,
    process: cm,
    timeoutMs: 60000,
    ready: cmReady,
  });
  const version = JSON.parse((await httpsGet(`${server}/version`, adminTls)).body).gitVersion as string;
  return { server, version, pids: { etcd: etcd.pid, apiserver: apiserver.pid, controllerManager: cm.pid } };
}

function certFiles(pki: Pki, name: 'admin' | 'controller-manager') {
  const c = pki.cert(name);
  return { certFile: c.cert, keyFile: c.key };
}

/** Starts the hub, or returns the running one. */
export async function startHub(o: HubOptions): Promise<HubInfo> {
  const log = o.log ?? console.error;
  const previous = readState(o.dir);
  if (previous) {
    const alive = runningPids(previous);
    if (alive.length === COMPONENTS.length) {
      log(`[hub] already running at ${previous.server} (${o.dir})`);
      return previous;
    }
    log(
      `[hub] found stale state in ${o.dir} (a hub that did not stop cleanly); cleaning up and starting afresh`,
    );
    await Promise.all(alive.map((pid) => stopProcess(pid)));
    rmSync(join(o.dir, STATE_FILE));
  }
  await checkPortsFree(o);
  const tc = await ensureToolchain(log);
  const pki = await ensurePki(join(o.dir, 'pki'));
  log(`[hub] starting etcd, kube-apiserver and kube-controller-manager in ${o.dir}`);
  const started = Date.now();
  let components: Awaited<ReturnType<typeof startComponents>>;
  try {
    components = await startComponents(o, tc, pki);
  } catch (error) {
    await stopStrays(o.dir);
    throw error;
  }
  const kubeconfig = join(o.dir, 'kubeconfig');
  writeKubeconfig(kubeconfig, {
    server: components.server,
    caFile: pki.caCert,
    ...certFiles(pki, 'admin'),
    user: 'smart-fleet-admin',
    contextName: 'smart-fleet-hub',
  });
  const info: HubInfo = { dir: o.dir, kubeconfig, etcdPort: o.etcdPort, ...components };
  writeFileSync(join(o.dir, STATE_FILE), JSON.stringify(info, null, 2));
  log(
    `[hub] kube-apiserver ${info.version} ready at ${info.server} in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  return info;
}

/** After a failed start, stop whatever did start (found by its command line naming this dir). */
async function stopStrays(dir: string): Promise<void> {
  const pids = readdirSync('/proc').filter((p) => /^\d+$/.test(p));
  const strays = pids.filter((pid) => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(dir);
    } catch {
      return false;
    }
  });
  await Promise.all(strays.map((pid) => stopProcess(Number(pid))));
}

export interface ExtraApiserver {
  kubeconfig: string;
  server: string;
  pid: number;
  stop(): Promise<void>;
}

/**
 * Another kube-apiserver on the hub's etcd under its own key prefix: a separate cluster as far
 * as any client can tell, for the price of one process. Tests use these as the local servers'
 * own clusters. Same CA and credentials as the hub.
 */
export async function startExtraApiserver(o: {
  hubDir: string;
  name: string;
  port: number;
  /** More `--flag=value`s, replacing the same flags of the hub's (a site node's cluster authorizes its kubelet, see site-node.ts). */
  extraArgs?: readonly string[];
}): Promise<ExtraApiserver> {
  const info = readState(o.hubDir);
  if (!info) {
    throw new Error(`no hub is running in ${o.hubDir}`);
  }
  const pki = await ensurePki(join(o.hubDir, 'pki'));
  const tc = await ensureToolchain(() => {});
  const dir = join(o.hubDir, 'extra', o.name);
  mkdirSync(dir, { recursive: true });
  const opts: HubOptions = { dir, apiserverPort: o.port, etcdPort: info.etcdPort, etcdPeerPort: 0 };
  const log = join(dir, 'kube-apiserver.log');
  const extra = [`--etcd-prefix=/extra/${o.name}`, ...(o.extraArgs ?? [])];
  const flag = (arg: string) => arg.split('=')[0];
  const replaced = new Set(extra.map(flag));
  const args = [...apiserverArgs(opts, pki).filter((a) => !replaced.has(flag(a))), ...extra];
  const child = startDetached(tc.kubeApiserver, args, log);
  const server = `https://127.0.0.1:${o.port}`;
  const adminTls: TlsFiles = { ca: pki.caCert, ...pki.cert('admin') };
  const ready = async () => (await httpsGet(`${server}/readyz`, adminTls)).status === 200;
  await awaitReady({ name: `kube-apiserver ${o.name}`, log, process: child, timeoutMs: 90000, ready });
  const kubeconfig = join(dir, 'kubeconfig');
  writeKubeconfig(kubeconfig, {
    server,
    caFile: pki.caCert,
    ...certFiles(pki, 'admin'),
    user: 'smart-fleet-admin',
    contextName: o.name,
  });
  return { kubeconfig, server, pid: child.pid, stop: () => stopProcess(child.pid) };
}

/** Stops the hub in `dir`; false if none was running. Data stays for the next start. */
export async function stopHub(dir: string, log: (line: string) => void = console.error): Promise<boolean> {
  const state = readState(dir);
  if (!state) {
    return false;
  }
  // The API server and the controllers first (together), etcd last, so nothing writes to a closed store.
  await Promise.all([stopProcess(state.pids.controllerManager), stopProcess(state.pids.apiserver)]);
  await stopProcess(state.pids.etcd);
  rmSync(join(dir, STATE_FILE));
  log(`[hub] stopped (${dir}); data kept for the next start`);
  return true;
}

export type HubStatus =
  | { state: 'stopped'; dir: string }
  | { state: 'stale'; dir: string; info: HubInfo; alive: number[] }
  | { state: 'running'; dir: string; info: HubInfo; ready: boolean };

export async function hubStatus(dir: string): Promise<HubStatus> {
  const info = readState(dir);
  if (!info) {
    return { state: 'stopped', dir };
  }
  const alive = runningPids(info);
  if (alive.length !== COMPONENTS.length) {
    return { state: 'stale', dir, info, alive };
  }
  const pki = pkiAt(join(dir, 'pki')); // asking must not make certificates
  const ready = await httpsGet(`${info.server}/readyz`, { ca: pki.caCert, ...pki.cert('admin') }).then(
    (r) => r.status === 200,
    () => false,
  );
  return { state: 'running', dir, info, ready };
}

/** Stops the hub and deletes its data, certificates and logs. */
export async function resetHub(dir: string, log: (line: string) => void = console.error): Promise<void> {
  await stopHub(dir, log);
  await stopStrays(dir);
  rmSync(dir, { recursive: true, force: true });
  log(`[hub] removed ${dir}`);
}
