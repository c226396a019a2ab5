/**
 * The configuration files of one site node, pure: its own containerd (root, state and socket in
 * the node's folder, the locally built sandbox image, the sandbox's one quirk fixed), its CNI
 * bridge (a bridge and /24 of its own, so two nodes on one machine never share a network), and
 * its kubelet (loopback only, client certificates, the Site's reserved share kept back).
 *
 * Pods get a bridge network rather than the host's: each site's edge, proxy and cache listen on
 * the same container ports (8080), which two nodes on one machine could not share on the host.
 */
import { join } from 'node:path';
import { CNI_BIN_DIR } from './node-toolchain.ts';

export interface NodeLayout {
  dir: string;
  /** containerd's gRPC socket. */
  containerdSocket: string;
  /** Where the kubelet's device plugins meet it (bind-mounted over the fixed path, see site-node.ts). */
  devicePluginsDir: string;
  podLogsDir: string;
  containerLogsDir: string;
  kubeletRoot: string;
  cniConfDir: string;
  logs: string;
}

export function nodeLayout(dir: string): NodeLayout {
  return {
    dir,
    containerdSocket: join(dir, 'containerd', 'containerd.sock'),
    devicePluginsDir: join(dir, 'device-plugins'),
    podLogsDir: join(dir, 'pod-logs'),
    containerLogsDir: join(dir, 'container-logs'),
    kubeletRoot: join(dir, 'kubelet'),
    cniConfDir: join(dir, 'cni', 'net.d'),
    logs: join(dir, 'logs'),
  };
}

const q = (s: string) => JSON.stringify(s); // TOML basic strings escape like JSON's

export function containerdConfig(layout: NodeLayout, pauseImage: string): string {
  const cri = 'plugins."io.containerd.grpc.v1.cri"';
  return [
    'version = 2',
    `root = ${q(join(layout.dir, 'containerd', 'root'))}`,
    `state = ${q(join(layout.dir, 'containerd', 'state'))}`,
    '[grpc]',
    `  address = ${q(layout.containerdSocket)}`,
    '[ttrpc]',
    `  address = ${q(`${layout.containerdSocket}.ttrpc`)}`,
    '[plugins."io.containerd.internal.v1.opt"]',
    `  path = ${q(join(layout.dir, 'containerd', 'opt'))}`,
    `[${cri}]`,
    `  sandbox_image = ${q(pauseImage)}`,
    // This sandbox lacks CAP_SYS_RESOURCE: runc may not lower oom_score_adj, so let it keep ours.
    '  restrict_oom_score_adj = true',
    '  disable_apparmor = true',
    // Exec/attach/port-forward streams on loopback, on a port of the kernel's choosing (two nodes).
    '  stream_server_address = "127.0.0.1"',
    '  stream_server_port = "0"',
    `[${cri}.containerd]`,
    '  default_runtime_name = "runc"',
    `[${cri}.containerd.runtimes.runc]`,
    '  runtime_type = "io.containerd.runc.v2"',
    `[${cri}.containerd.runtimes.runc.options]`,
    '  SystemdCgroup = false',
    `[${cri}.cni]`,
    `  bin_dir = ${q(CNI_BIN_DIR)}`,
    `  conf_dir = ${q(layout.cniConfDir)}`,
    '',
  ].join('\n');
}

export interface NodeNetwork {
  /** Linux bridge name (at most 15 characters). */
  bridge: string;
  /** The pods' /24, e.g. 10.88.3.0/24; the bridge holds its .1. */
  subnet: string;
  gateway: string;
  /** The cluster's Service IPs, e.g. 10.89.3.0/24: the node's own, so two nodes never share one. */
  serviceSubnet: string;
  /** The `kubernetes` Service's IP (the range's first), where pods find the API server. */
  apiServiceIp: string;
}

/**
 * The n-th node network on this machine (n in 0..255): pods on 10.88.n.0/24 on bridge sf-node-n,
 * Services on 10.89.n.0/24 (their IPs are put on the same bridge by the node's service proxy).
 */
export function nodeNetwork(n: number): NodeNetwork {
  if (!Number.isInteger(n) || n < 0 || n > 255) {
    throw new RangeError(`node network index must be 0-255, not ${n}`);
  }
  return {
    bridge: `sf-node-${n}`,
    subnet: `10.88.${n}.0/24`,
    gateway: `10.88.${n}.1`,
    serviceSubnet: `10.89.${n}.0/24`,
    apiServiceIp: `10.89.${n}.1`,
  };
}

export function cniConfig(name: string, layout: NodeLayout, net: NodeNetwork): string {
  return `${JSON.stringify(
    {
      cniVersion: '0.4.0',
      name: `smart-fleet-${name}`,
      plugins: [
        {
          type: 'bridge',
          bridge: net.bridge,
          isGateway: true,
          // Pods talk to the host and each other on this machine only; nothing is masqueraded out.
          ipMasq: false,
          hairpinMode: true,
          ipam: {
            type: 'host-local',
            ranges: [[{ subnet: net.subnet, gateway: net.gateway }]],
            // The node's Services, through the gateway (the service proxy answers there); no
            // default route: nothing beyond this machine is reached.
            routes: [{ dst: net.serviceSubnet }],
            dataDir: join(layout.dir, 'cni', 'ipam'),
          },
        },
        { type: 'loopback' },
      ],
    },
    null,
    2,
  )}\n`;
}

export interface KubeletSettings {
  /** Where it serves (the API server's logs, exec and port-forward reach it here): the node IP. */
  address: string;
  caFile: string;
  /** Its serving certificate, under the hub's CA with the node IP in it (the API server checks it). */
  serving: { cert: string; key: string };
  port: number;
  healthzPort: number;
  /** What the OS, runtime and kubelet keep back (the model's SYSTEM_RESERVED). */
  reserved: { cpuMillis: number; memoryMi: number };
}

/**
 * A KubeletConfiguration (JSON is YAML): served on the node's bridge address only (never on the
 * machine's outward interfaces), health on loopback, x509 clients, Webhook authorization.
 */
export function kubeletConfig(s: KubeletSettings): string {
  return `${JSON.stringify(
    {
      kind: 'KubeletConfiguration',
      apiVersion: 'kubelet.config.k8s.io/v1beta1',
      address: s.address,
      port: s.port,
      readOnlyPort: 0,
      tlsCertFile: s.serving.cert,
      tlsPrivateKeyFile: s.serving.key,
      healthzBindAddress: '127.0.0.1',
      healthzPort: s.healthzPort,
      authentication: {
        anonymous: { enabled: false },
        webhook: { enabled: false },
        x509: { clientCAFile: s.caFile },
      },
      authorization: { mode: 'Webhook' },
      // cgroup v1 without systemd here: the kubelet manages cgroups itself, no QoS tiers.
      cgroupDriver: 'cgroupfs',
      cgroupsPerQOS: false,
      enforceNodeAllocatable: [],
      failSwapOn: false,
      systemReserved: { cpu: `${s.reserved.cpuMillis}m`, memory: `${s.reserved.memoryMi}Mi` },
      // The development machine's disk is shared with everything else; evict only when truly full.
      evictionHard: { 'memory.available': '100Mi', 'nodefs.available': '2%', 'imagefs.available': '2%' },
      imageGCHighThresholdPercent: 98,
      imageGCLowThresholdPercent: 95,
      serializeImagePulls: false,
      maxPods: 64,
    },
    null,
    2,
  )}\n`;
}
