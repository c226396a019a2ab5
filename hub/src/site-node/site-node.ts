/**
 * A site's local server as a real single-node Kubernetes cluster on this machine: its own
 * kube-apiserver (on the hub's etcd under its own prefix, Node authorization), controller-manager
 * and scheduler, and one kubelet on its own containerd + runc with a CNI bridge, registered as a
 * Node named after the Site, and a service proxy (service-proxy.ts) where kube-proxy would be: the
 * cluster's Services, the API server's own among them, on a Service range of the node's own.
 * Processes run detached; state.json in the node's folder records them, so start finds a running
 * node, stop stops it cleanly and status says how it is.
 *
 * Why a private mount namespace: kubelet 1.20 hard-codes the device plugins' folder
 * (/var/lib/kubelet/device-plugins) and the pod log folders (/var/log/pods, /var/log/containers)
 * and empties the plugins' folder when it starts. Two nodes on one machine would delete each
 * other's plugin sockets and logs, so each node's containerd and kubelet run in a mount namespace
 * of their own where those paths are bind mounts of the node's folder. A device plugin on the host
 * serves in `<node>/device-plugins`; one in a pod mounts the fixed path and lands in the same place.
 *
 * Capacity: the kubelet reports the machine it runs on (it cannot claim cores it does not have);
 * the site's share for the OS and runtime (the model's SYSTEM_RESERVED) is kept back from
 * allocatable, the hardware profile is a node label, and accelerators come from the device plugin.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect as tcpConnect } from 'node:net';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RbacAuthorizationV1Api } from '@kubernetes/client-node';
import { connect, freePort, waitFor } from '@smart-fleet/kube';
import { SYSTEM_RESERVED } from '@smart-fleet/model';
import { awaitReady, isAlive, logTail, startDetached, stopProcess } from '../hub-process.ts';
import { importImage } from '../images/image-build.ts';
import { writeKubeconfig } from '../kubeconfig.ts';
import { controllerManagerArgs, startExtraApiserver } from '../local-hub.ts';
import { ensureClientCert, ensurePki, ensureServingCert } from '../pki.ts';
import { run } from '../run.ts';
import { CriClient } from './cri-client.ts';
import {
  cniConfig,
  containerdConfig,
  kubeletConfig,
  type NodeLayout,
  type NodeNetwork,
  nodeLayout,
  nodeNetwork,
} from './node-configs.ts';
import { ensureNodeSupported } from './node-preflight.ts';
import type { NodeToolchain } from './node-toolchain.ts';
import { API_SERVICE } from './service-proxy.ts';

export const SITE_LABEL = 'smartfleet.io/site';
export const HARDWARE_PROFILE_LABEL = 'smartfleet.io/hardware-profile';
/** The fixed paths kubelet 1.20 uses, replaced inside each node's mount namespace. */
const FIXED_PATHS = {
  devicePluginsDir: '/var/lib/kubelet/device-plugins',
  podLogsDir: '/var/log/pods',
  containerLogsDir: '/var/log/containers',
} as const satisfies Partial<Record<keyof NodeLayout, string>>;

export interface SiteNodeOptions {
  /** The running hub whose etcd and CA the site's cluster uses. */
  hubDir: string;
  /** The Site's name: the Node's name and the cluster's. */
  site: string;
  /** The site's hardware profile name, put on the Node as a label. */
  hardwareProfile?: string;
  /** The node's folder; `<hubDir>/nodes/<site>` unless given. */
  dir?: string;
  log?: (line: string) => void;
}

const COMPONENTS = [
  'namespaceHolder',
  'apiserver',
  'controllerManager',
  'scheduler',
  'serviceProxy',
  'containerd',
  'kubelet',
] as const;
type Component = (typeof COMPONENTS)[number];

export interface SiteNodeInfo {
  site: string;
  dir: string;
  /** Admin kubeconfig of the site's cluster (context named after the site). */
  kubeconfig: string;
  server: string;
  containerdSocket: string;
  devicePluginsDir: string;
  network: NodeNetwork;
  pids: Record<Component, number>;
  /** How its kubelet is started, so it can be restarted alone (restartSiteKubelet). */
  kubelet: KubeletCommand;
}

export interface KubeletCommand {
  command: string;
  args: string[];
  healthzPort: number;
  log: string;
}

/** Starts the kubelet in the node's namespace and waits for its health endpoint. */
async function launchKubelet(holderPid: number, k: KubeletCommand): Promise<number> {
  const kubelet = startInNamespace(holderPid, k.command, k.args, k.log);
  await awaitReady({
    name: 'the kubelet',
    log: k.log,
    process: kubelet,
    timeoutMs: 60000,
    ready: () =>
      fetch(`http://127.0.0.1:${k.healthzPort}/healthz`, { signal: AbortSignal.timeout(2000) }).then(
        (r) => r.ok,
        () => false,
      ),
  });
  return kubelet.pid;
}

/**
 * Restarts the node's kubelet alone, as an upgrade or a crash does: it deletes the device plugins'
 * sockets when it starts, so every plugin must notice and register again; running pods stay.
 */
export async function restartSiteKubelet(dir: string): Promise<SiteNodeInfo> {
  const state = readState(dir);
  if (!state) {
    throw new Error(`no site node is running in ${dir}`);
  }
  await stopProcess(state.pids.kubelet);
  const next = {
    ...state,
    pids: { ...state.pids, kubelet: await launchKubelet(state.pids.namespaceHolder, state.kubelet) },
  };
  writeFileSync(join(dir, STATE_FILE), JSON.stringify(next, null, 2));
  return next;
}

const STATE_FILE = 'state.json';

function readState(dir: string): SiteNodeInfo | undefined {
  const file = join(dir, STATE_FILE);
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as SiteNodeInfo) : undefined;
}

export const siteNodeDir = (hubDir: string, site: string) => join(hubDir, 'nodes', site);

/** The API server's identity towards kubelets, bound to the built-in role for the kubelet API only. */
const KUBELET_CLIENT_USER = 'smart-fleet-apiserver-kubelet-client';

async function grantKubeletApi(kubeconfig: string): Promise<void> {
  const rbac = connect(kubeconfig).kc.makeApiClient(RbacAuthorizationV1Api);
  const name = 'smart-fleet:apiserver-kubelet-client';
  const exists = await rbac.readClusterRoleBinding({ name }).then(
    () => true,
    () => false,
  );
  if (!exists) {
    await rbac.createClusterRoleBinding({
      body: {
        metadata: { name },
        roleRef: {
          apiGroup: 'rbac.authorization.k8s.io',
          kind: 'ClusterRole',
          name: 'system:kubelet-api-admin',
        },
        subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: KUBELET_CLIENT_USER }],
      },
    });
  }
}

/**
 * The node's cluster on the hub's etcd (its API server's folder and key prefix): named after the
 * site and the node's folder, so two nodes of one site name (two sample fleets on one test hub)
 * never share a cluster, where their two kubelets would report one Node by turns.
 */
function clusterName(site: string, dir: string): string {
  return `node-${site}-${createHash('sha256').update(resolve(dir)).digest('hex').slice(0, 8)}`;
}

const NETWORK_FILE = 'network.json';

/** The network index this node had last time: its cluster's `kubernetes` Service keeps its IP. */
function previousNetwork(dir: string): number | undefined {
  const file = join(dir, NETWORK_FILE);
  const n = existsSync(file)
    ? (JSON.parse(readFileSync(file, 'utf8')) as { index?: unknown }).index
    : undefined;
  return typeof n === 'number' && Number.isInteger(n) && n >= 0 && n <= 255 ? n : undefined;
}

/**
 * Claims a node network for this node: the node's previous one if it can, else the lowest free.
 * Claiming is making its bridge, which the kernel does once per name, so two nodes starting at
 * the same moment (two test files, two live sites) never take the same network.
 */
function claimNetwork(preferred?: number): { index: number; network: NodeNetwork } {
  const order = [
    ...(preferred === undefined ? [] : [preferred]),
    ...Array.from({ length: 256 }, (_, n) => n),
  ];
  for (const n of order) {
    const net = nodeNetwork(n);
    const made = spawnSync('ip', ['link', 'add', net.bridge, 'type', 'bridge'], { encoding: 'utf8' });
    if (made.status === 0) {
      return { index: n, network: net };
    }
    if (!/File exists/.test(made.stderr)) {
      throw new Error(
        `cannot make the node's bridge ${net.bridge}: ${made.stderr.trim() || made.error?.message}`,
      );
    }
  }
  throw new Error('all 256 node networks (10.88.0-255.0/24) are in use on this machine');
}

/**
 * The `kubernetes` Service on the node's own range. A cluster first started with another range
 * (an older node folder) keeps its old IP, which another node may hold: it is deleted, and the
 * API server makes it again on the range it has now.
 */
async function ensureApiServiceIp(kubeconfig: string, net: NodeNetwork): Promise<void> {
  const client = connect(kubeconfig);
  const ref = { name: API_SERVICE.name, namespace: API_SERVICE.namespace };
  const current = await client.core.readNamespacedService(ref).catch(() => undefined);
  if (current && current.spec?.clusterIP !== net.apiServiceIp) {
    await client.core.deleteNamespacedService(ref);
  }
  await waitFor(
    async () =>
      (await client.core.readNamespacedService(ref).catch(() => undefined))?.spec?.clusterIP ===
      net.apiServiceIp,
    { what: `the kubernetes Service on ${net.apiServiceIp}`, timeoutMs: 60000 },
  );
}

const SERVICE_PROXY_MAIN = fileURLToPath(new URL('./service-proxy-main.ts', import.meta.url));

/** The node's service proxy (service-proxy.ts), up once the API server answers at its Service IP. */
async function startServiceProxyProcess(o: {
  kubeconfig: string;
  network: NodeNetwork;
  apiServer: string;
  log: string;
}): Promise<number> {
  const proxy = startDetached(
    process.execPath,
    [
      SERVICE_PROXY_MAIN,
      `--kubeconfig=${o.kubeconfig}`,
      `--bridge=${o.network.bridge}`,
      `--api-server=${new URL(o.apiServer).host}`,
    ],
    o.log,
  );
  await awaitReady({
    name: 'the service proxy',
    log: o.log,
    process: proxy,
    timeoutMs: 30000,
    ready: () => tcpAnswers(o.network.apiServiceIp, 443),
  });
  return proxy.pid;
}

function tcpAnswers(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = tcpConnect({ host, port, timeout: 2000 });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(false));
  });
}

/** The node's bridge (claimNetwork made it) given its gateway address, before the kubelet (its node IP lives there). */
async function ensureBridge(net: NodeNetwork): Promise<void> {
  const addresses = await run('ip', ['-o', '-4', 'addr', 'show', 'dev', net.bridge]);
  if (!addresses.includes(`${net.gateway}/`)) {
    await run('ip', ['addr', 'add', `${net.gateway}/24`, 'dev', net.bridge]);
  }
  await run('ip', ['link', 'set', net.bridge, 'up']);
}

/**
 * A process holding the node's mount namespace (see the header), and the namespace it holds:
 * the fixed kubelet paths bind-mounted from the node's folder.
 */
async function startNamespaceHolder(layout: NodeLayout): Promise<number> {
  const binds = Object.entries(FIXED_PATHS).map(([key, fixed]) => {
    mkdirSync(fixed, { recursive: true });
    mkdirSync(layout[key as keyof typeof FIXED_PATHS], { recursive: true });
    return `mount --bind '${layout[key as keyof typeof FIXED_PATHS]}' '${fixed}'`;
  });
  const logFile = join(layout.logs, 'namespace.log');
  const holder = startDetached(
    'unshare',
    ['--mount', '--propagation', 'private', '--', 'sh', '-c', `${binds.join(' && ')} && exec sleep infinity`],
    logFile,
  );
  await awaitReady({
    name: 'the node mount namespace',
    log: logFile,
    process: holder,
    timeoutMs: 10000,
    ready: async () => {
      try {
        return readFileSync(`/proc/${holder.pid}/mountinfo`, 'utf8').includes(
          ` ${FIXED_PATHS.devicePluginsDir} `,
        );
      } catch {
        return false;
      }
    },
  });
  return holder.pid;
}

/** Starts `command` inside the node's mount namespace. */
function startInNamespace(holderPid: number, command: string, args: string[], logFile: string) {
  return startDetached('nsenter', [`--target=${holderPid}`, '--mount', '--', command, ...args], logFile);
}

async function startContainerd(tc: NodeToolchain, layout: NodeLayout, holderPid: number): Promise<number> {
  const config = join(layout.dir, 'containerd', 'config.toml');
  mkdirSync(join(layout.dir, 'containerd'), { recursive: true });
  writeFileSync(config, containerdConfig(layout, tc.pauseImage));
  if (existsSync(layout.containerdSocket)) {
    rmSync(layout.containerdSocket); // no containerd of this node runs (checked by the caller): stale
  }
  const logFile = join(layout.logs, 'containerd.log');
  const containerd = startInNamespace(holderPid, tc.containerd, ['--config', config], logFile);
  const cri = new CriClient(layout.containerdSocket);
  try {
    await awaitReady({
      name: 'containerd',
      log: logFile,
      process: containerd,
      timeoutMs: 30000,
      ready: () =>
        cri.version().then(
          () => true,
          () => false,
        ),
    });
  } finally {
    cri.close();
  }
  await importImage(layout.containerdSocket, { ref: tc.pauseImage, archive: tc.pauseArchive });
  return containerd.pid;
}

/** Starts the site's node, or returns the one running in its folder. */
export async function startSiteNode(o: SiteNodeOptions): Promise<SiteNodeInfo> {
  const log = o.log ?? console.error;
  const dir = o.dir ?? siteNodeDir(o.hubDir, o.site);
  const previous = readState(dir);
  if (previous) {
    if (COMPONENTS.every((c) => isAlive(previous.pids[c]))) {
      log(`[node ${o.site}] already running (${dir})`);
      return previous;
    }
    log(
      `[node ${o.site}] found a node that did not stop cleanly in ${dir}; stopping what is left and starting afresh`,
    );
    await stopSiteNode(dir, () => {});
  }
  const tc = await ensureNodeSupported(log);
  const layout = nodeLayout(dir);
  mkdirSync(layout.logs, { recursive: true });
  const pki = await ensurePki(join(o.hubDir, 'pki'));
  const started = Date.now();
  const pids: Partial<Record<Component, number>> = {};
  const record = (network: NodeNetwork, server = '', kubeconfig = '') =>
    writeFileSync(
      join(dir, STATE_FILE),
      JSON.stringify(
        {
          site: o.site,
          dir,
          kubeconfig,
          server,
          containerdSocket: layout.containerdSocket,
          devicePluginsDir: layout.devicePluginsDir,
          network,
          pids,
          kubelet,
        },
        null,
        2,
      ),
    );
  const { index, network } = claimNetwork(previousNetwork(dir));
  writeFileSync(join(dir, NETWORK_FILE), JSON.stringify({ index }));
  let kubelet: KubeletCommand | undefined;
  try {
    log(
      `[node ${o.site}] starting its kube-apiserver, controller-manager, scheduler, containerd and kubelet`,
    );
    // Recorded as each part starts, so a failed start is stopped by stopSiteNode like any other.
    record(network);
    const certs = join(dir, 'pki');
    const toKubelets = await ensureClientCert(
      pki,
      certs,
      'apiserver-kubelet-client',
      `/CN=${KUBELET_CLIENT_USER}`,
    );
    // In-cluster clients reach it at the `kubernetes` Service's IP (the service proxy's relay).
    const apiServing = await ensureServingCert(
      pki,
      certs,
      'apiserver',
      'kube-apiserver',
      network.apiServiceIp,
    );
    const cluster = await startExtraApiserver({
      hubDir: o.hubDir,
      name: clusterName(o.site, dir),
      port: await freePort(),
      extraArgs: [
        // The kubelet may read and write only its own Node and the pods bound to it.
        '--authorization-mode=Node,RBAC',
        '--enable-admission-plugins=NodeRestriction',
        // Logs, exec and port-forward: to the kubelet's node IP (its host name resolves nowhere),
        // checking its serving certificate against the CA, as a user allowed the kubelet API only.
        '--kubelet-preferred-address-types=InternalIP',
        `--kubelet-certificate-authority=${pki.caCert}`,
        `--kubelet-client-certificate=${toKubelets.cert}`,
        `--kubelet-client-key=${toKubelets.key}`,
        `--service-cluster-ip-range=${network.serviceSubnet}`,
        `--tls-cert-file=${apiServing.cert}`,
        `--tls-private-key-file=${apiServing.key}`,
      ],
    });
    await grantKubeletApi(cluster.kubeconfig);
    await ensureApiServiceIp(cluster.kubeconfig, network);
    pids.apiserver = cluster.pid;
    record(network, cluster.server, cluster.kubeconfig);
    const kubeconfigFor = (file: string, user: string, cert: { cert: string; key: string }) => {
      const path = join(dir, file);
      writeKubeconfig(path, {
        server: cluster.server,
        caFile: pki.caCert,
        certFile: cert.cert,
        keyFile: cert.key,
        user,
        contextName: o.site,
      });
      return path;
    };
    // The admin's, with its context named after the site (`npm run kubectl -- --context <site>`).
    const adminKubeconfig = kubeconfigFor('kubeconfig', 'smart-fleet-admin', pki.cert('admin'));
    const cmKubeconfig = kubeconfigFor(
      'controller-manager.kubeconfig',
      'system:kube-controller-manager',
      pki.cert('controller-manager'),
    );
    pids.controllerManager = startDetached(
      tc.kubeControllerManager,
      controllerManagerArgs(pki, cmKubeconfig),
      join(layout.logs, 'kube-controller-manager.log'),
    ).pid;
    const schedulerCert = await ensureClientCert(pki, certs, 'kube-scheduler', '/CN=system:kube-scheduler');
    const schedulerKubeconfig = kubeconfigFor('scheduler.kubeconfig', 'system:kube-scheduler', schedulerCert);
    pids.scheduler = startDetached(
      tc.kubeScheduler,
      [`--kubeconfig=${schedulerKubeconfig}`, '--leader-elect=false', '--port=0', '--secure-port=0'],
      join(layout.logs, 'kube-scheduler.log'),
    ).pid;
    record(network, cluster.server, adminKubeconfig);

    await ensureBridge(network);
    const proxyCert = await ensureClientCert(pki, certs, 'kube-proxy', '/CN=system:kube-proxy');
    pids.serviceProxy = await startServiceProxyProcess({
      kubeconfig: kubeconfigFor('service-proxy.kubeconfig', 'system:kube-proxy', proxyCert),
      network,
      apiServer: cluster.server,
      log: join(layout.logs, 'service-proxy.log'),
    });
    record(network, cluster.server, adminKubeconfig);
    mkdirSync(layout.cniConfDir, { recursive: true });
    writeFileSync(join(layout.cniConfDir, '10-smart-fleet.conflist'), cniConfig(o.site, layout, network));
    pids.namespaceHolder = await startNamespaceHolder(layout);
    record(network, cluster.server, adminKubeconfig);
    pids.containerd = await startContainerd(tc, layout, pids.namespaceHolder);
    record(network, cluster.server, adminKubeconfig);

    const nodeCert = await ensureClientCert(
      pki,
      certs,
      'kubelet',
      `/O=system:nodes/CN=system:node:${o.site}`,
    );
    const kubeletKubeconfig = kubeconfigFor('kubelet.kubeconfig', `system:node:${o.site}`, nodeCert);
    const serving = await ensureServingCert(pki, certs, 'kubelet-serving', o.site, network.gateway);
    const kubeletConfigFile = join(dir, 'kubelet-config.yaml');
    const healthzPort = await freePort();
    writeFileSync(
      kubeletConfigFile,
      kubeletConfig({
        address: network.gateway,
        caFile: pki.caCert,
        serving,
        port: await freePort(),
        healthzPort,
        reserved: SYSTEM_RESERVED,
      }),
    );
    const labels = [
      `${SITE_LABEL}=${o.site}`,
      ...(o.hardwareProfile ? [`${HARDWARE_PROFILE_LABEL}=${o.hardwareProfile}`] : []),
    ];
    kubelet = {
      command: tc.kubelet,
      args: [
        `--config=${kubeletConfigFile}`,
        `--kubeconfig=${kubeletKubeconfig}`,
        `--root-dir=${layout.kubeletRoot}`,
        '--container-runtime=remote',
        `--container-runtime-endpoint=unix://${layout.containerdSocket}`,
        `--pod-infra-container-image=${tc.pauseImage}`,
        `--hostname-override=${o.site}`,
        `--node-ip=${network.gateway}`,
        `--node-labels=${labels.join(',')}`,
        '--v=1',
      ],
      healthzPort,
      log: join(layout.logs, 'kubelet.log'),
    };
    pids.kubelet = await launchKubelet(pids.namespaceHolder, kubelet);
    record(network, cluster.server, adminKubeconfig);
    const admin = connect(adminKubeconfig);
    await waitFor(
      async () => {
        const node = await admin.core.readNode({ name: o.site }).catch(() => undefined);
        return node?.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') || undefined;
      },
      { what: `the kubelet's Node ${o.site} to be Ready`, timeoutMs: 120000 },
    ).catch((error: Error) => {
      throw new Error(
        `${error.message}\n--- last lines of ${kubelet?.log} ---\n${logTail(kubelet?.log ?? '')}`,
      );
    });
    log(
      `[node ${o.site}] Ready in ${((Date.now() - started) / 1000).toFixed(1)} s (${cluster.server}, pods on ${network.subnet})`,
    );
    return readState(dir) as SiteNodeInfo;
  } catch (error) {
    await stopSiteNode(dir, () => {});
    throw error;
  }
}

/**
 * Stops the node in `dir`: the kubelet first (so it recreates nothing), then every pod through the
 * CRI (containers killed, their network torn down), containerd, the control plane, the namespace,
 * and the bridge. Data stays for the next start. False if no node was there.
 */
export async function stopSiteNode(
  dir: string,
  log: (line: string) => void = console.error,
): Promise<boolean> {
  const state = readState(dir);
  if (!state) {
    return false;
  }
  const pids = state.pids as Partial<Record<Component, number>>;
  const stop = (c: Component) => (pids[c] ? stopProcess(pids[c]) : Promise.resolve());
  await stop('kubelet');
  if (pids.containerd && isAlive(pids.containerd)) {
    const cri = new CriClient(state.containerdSocket);
    try {
      const removed = await cri.removeAllSandboxes();
      if (removed > 0) {
        log(`[node ${state.site}] stopped and removed ${removed} pod sandbox(es)`);
      }
    } catch (error) {
      log(`[node ${state.site}] could not remove its pods through containerd: ${(error as Error).message}`);
    } finally {
      cri.close();
    }
  }
  await stop('containerd');
  await killShims(state.containerdSocket);
  await Promise.all([stop('scheduler'), stop('controllerManager'), stop('serviceProxy')]);
  await stop('apiserver');
  await stop('namespaceHolder');
  if (existsSync(`/sys/class/net/${state.network.bridge}`)) {
    spawnSync('ip', ['link', 'delete', state.network.bridge]);
  }
  rmSync(join(dir, STATE_FILE));
  log(`[node ${state.site}] stopped (${dir})`);
  return true;
}

/** Container shims outlive containerd by design; this node's are found by its socket in their command line. */
async function killShims(socket: string): Promise<void> {
  const found = spawnSync('pgrep', ['-f', `containerd-shim.*-address ${socket}`], { encoding: 'utf8' });
  const pids = found.stdout.split('\n').filter(Boolean).map(Number);
  await Promise.all(pids.map((pid) => stopProcess(pid, 5000)));
}

export type SiteNodeStatus =
  | { state: 'stopped'; dir: string }
  | { state: 'stale'; dir: string; info: SiteNodeInfo; down: Component[] }
  | { state: 'running'; dir: string; info: SiteNodeInfo; ready: boolean; pods: number };

export async function siteNodeStatus(dir: string): Promise<SiteNodeStatus> {
  const info = readState(dir);
  if (!info) {
    return { state: 'stopped', dir };
  }
  const down = COMPONENTS.filter((c) => !isAlive(info.pids[c]));
  if (down.length > 0) {
    return { state: 'stale', dir, info, down };
  }
  const node = await connect(info.kubeconfig)
    .core.readNode({ name: info.site })
    .catch(() => undefined);
  const cri = new CriClient(info.containerdSocket);
  const pods = await cri.sandboxes().then(
    (s) => s.length,
    () => 0,
  );
  cri.close();
  const ready = node?.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
  return { state: 'running', dir, info, ready, pods };
}

/** Waits until the node's Node reports `predicate` (for tests and start-up wiring). */
export async function waitForNode<T>(
  info: SiteNodeInfo,
  what: string,
  predicate: (node: Awaited<ReturnType<ReturnType<typeof connect>['core']['readNode']>>) => T | undefined,
  timeoutMs = 60000,
): Promise<T> {
  const admin = connect(info.kubeconfig);
  return waitFor(
    async () => {
      const node = await admin.core.readNode({ name: info.site }).catch(() => undefined);
      return node ? predicate(node) : undefined;
    },
    { what, timeoutMs },
  );
}
