/**
 * How a local server's CPU, memory, accelerators and storage are shared out, pure, from the
 * site's spec: its hardware (the paper's Table 1 profile) and its streaming egress budget. Two
 * programs size the same box with it, so what they run always adds up to what the box has:
 * - the LocalServer stack, which owns the box: the platform parts it runs (the accelerator
 *   device plugin, the site agent), the cache volume, and the quota of the release namespace;
 * - the site agent, which owns the release: the streaming edge, the cache and the license proxy
 *   each SiteRelease brings, rendered as Deployments inside that quota.
 * First the names and ports the two sides agree on, written once; then the sizing.
 */
import { hardwareEgressLimitMbps, MIN_BITRATE_MBPS, streamCapacity } from './capacity.ts';
import type { HardwareSpec } from './hardware-profiles.ts';
import type { SITE_SERVICES } from './kinds/site-release.ts';

type SiteServiceName = (typeof SITE_SERVICES)[number];

// What the LocalServer stack and the site agent agree on.

/** The release services the box serves through a Service of the stack's. */
export const EDGE_SERVICE = 'streaming-edge';
export const CACHE_SERVICE = 'cache';
export const LICENSE_PROXY_SERVICE = 'license-proxy';
export const SERVED_SITE_SERVICES = [
  EDGE_SERVICE,
  CACHE_SERVICE,
  LICENSE_PROXY_SERVICE,
] as const satisfies readonly SiteServiceName[];
/** The extended resource the device plugin advertises and the edge requests, one per card. */
export const ACCELERATOR_RESOURCE = 'smartfleet.io/stream-accelerator';
/** The stack's PersistentVolumeClaim in the release namespace, and where the cache mounts it. */
export const SITE_CACHE_CLAIM = 'site-cache';
export const SITE_CACHE_PATH = '/var/cache/smart-site';
/** The stack's ConfigMap of what only the box knows (its license service), as environment. */
export const SITE_ENDPOINTS_CONFIG = 'site-endpoints';
/** A served service listens on this container port, named `http`; its Service on port 80. */
export const SITE_SERVICE_PORT_NAME = 'http';
export const SITE_CONTAINER_PORT = 8080;
export const SITE_SERVICE_PORT = 80;
/** A served service's Service port, as the site stack declares it (protocol spelled out: server-side apply keys on it). */
export const SITE_SERVICE_PORTS = [
  {
    name: SITE_SERVICE_PORT_NAME,
    port: SITE_SERVICE_PORT,
    targetPort: SITE_SERVICE_PORT_NAME,
    protocol: 'TCP',
  },
] as const;
/** Every served service answers these (readiness, liveness) on its `http` port. */
export const SITE_PROBE_PATHS = { ready: '/readyz', live: '/healthz' } as const;

/** Each Xeon of the reference build: 4 cores and 8 GiB. */
export const MILLICORES_PER_CPU = 4000;
export const MEMORY_MI_PER_CPU = 8192;
/** What the OS, the container runtime and the kubelet keep for themselves. */
export const SYSTEM_RESERVED: Amount = { cpuMillis: 500, memoryMi: 1024 };
/** The cache's share of the box's storage; the rest holds the OS, the images and the agent's state. */
export const CACHE_SHARE = 0.9;
/** Each concurrent stream keeps about 1 MiB of segments in flight; the edge itself needs 256 MiB. */
export const STREAM_BUFFER_MI = 1;
export const EDGE_BASE_MEMORY_MI = 256;
/** Below this an edge cannot keep up even one stream's protocol processing. */
export const EDGE_MIN_CPU_MILLIS = 500;

export interface Amount {
  cpuMillis: number;
  memoryMi: number;
}

export interface WorkloadSize {
  requests: Amount;
  limits: Amount;
}

/**
 * The agent pulls, applies and reports every few seconds; it bursts while it applies. Its memory
 * is what Node 24 and its modules take before any work (194 MB resident, measured), and room
 * for a bundle and the telemetry buffer.
 */
export const AGENT_SIZE: WorkloadSize = {
  requests: { cpuMillis: 100, memoryMi: 224 },
  limits: { cpuMillis: 500, memoryMi: 384 },
};
/**
 * The device plugin answers the kubelet's few gRPC calls and nothing else; its memory is Node 24
 * with gRPC loaded (it imports only the leaf modules of the shared packages it needs: 104 MB
 * after loading, measured; with the whole of them it was 186 MB, and 64Mi was OOM-killed at
 * start on the site node).
 */
export const DEVICE_PLUGIN_SIZE: WorkloadSize = {
  requests: { cpuMillis: 20, memoryMi: 128 },
  limits: { cpuMillis: 100, memoryMi: 192 },
};
/**
 * The license proxy holds a session per subscriber (about 0.15 millicore and 192 KiB each),
 * sized once for the largest box's 1,000 subscribers; it bursts to twice at peak renewals.
 */
export const LICENSE_PROXY_SIZE: WorkloadSize = {
  requests: { cpuMillis: 150, memoryMi: 192 },
  limits: { cpuMillis: 300, memoryMi: 384 },
};
/**
 * The cache serves the edge's segments from disk (sendfile) and fills from the origin off-peak:
 * I/O, not CPU. Its memory holds the title index; the page cache it leans on is the kernel's.
 */
export const CACHE_SIZE: WorkloadSize = {
  requests: { cpuMillis: 250, memoryMi: 256 },
  limits: { cpuMillis: 500, memoryMi: 512 },
};
/**
 * A release service the sizing does not know: small. The quota keeps no room for it on a box
 * streaming its full budget, so there its pods are refused until the sizing knows the service.
 */
export const DEFAULT_SERVICE_SIZE: WorkloadSize = {
  requests: { cpuMillis: 50, memoryMi: 64 },
  limits: { cpuMillis: 100, memoryMi: 128 },
};

export interface EdgeSize extends WorkloadSize {
  /** Every other figure here is per replica. */
  replicas: number;
  accelerators: number;
  egressMbps: number;
  /** Concurrent streams at TV quality (the lowest bitrate) within the replica's egress. */
  maxStreams: number;
}

export interface SiteSizing {
  /** The box less the system's reserve. */
  allocatable: Amount;
  /** Platform parts, which the LocalServer stack runs. */
  agent: WorkloadSize;
  /** Absent when the box has no accelerators (the edge then streams in software). */
  devicePlugin?: WorkloadSize;
  /** Release services, which the site agent renders. */
  edge: EdgeSize;
  cache: WorkloadSize;
  licenseProxy: WorkloadSize;
  cacheVolumeGB: number;
  /**
   * What a release may ask for altogether (the release namespace's ResourceQuota): the
   * allocatable less the platform parts, and the box's accelerators.
   */
  releaseQuota: Amount & { accelerators: number };
}

/** The part of a site's spec the sizing reads (a SiteSpec is one). */
export interface SiteSizingInput {
  hardware: HardwareSpec;
  streaming: { egressBudgetMbps: number };
}

function minus(a: Amount, ...others: Amount[]): Amount {
  return others.reduce(
    (left, o) => ({ cpuMillis: left.cpuMillis - o.cpuMillis, memoryMi: left.memoryMi - o.memoryMi }),
    a,
  );
}

/** One edge per module in the cluster configuration, when the accelerators divide evenly among them. */
export function edgeReplicas(hw: HardwareSpec): number {
  return hw.configuration === 'cluster' && hw.accelerators % hw.modules === 0 ? hw.modules : 1;
}

/**
 * The edge streams in real time, so it runs with Guaranteed QoS (limits equal to requests) on
 * what is left once the platform has its requests and the cache and license proxy their
 * limits (their bursts never reach into the edge's share), scaled by the share of the box's
 * egress the site's budget uses.
 */
function sizeEdge(hw: HardwareSpec, egressBudgetMbps: number, left: Amount): EdgeSize {
  const replicas = edgeReplicas(hw);
  const budgetShare = Math.min(1, egressBudgetMbps / hardwareEgressLimitMbps(hw));
  const egressMbps = Math.floor(egressBudgetMbps / replicas);
  const maxStreams = streamCapacity(egressMbps, MIN_BITRATE_MBPS);
  const amount = {
    cpuMillis: Math.max(EDGE_MIN_CPU_MILLIS, Math.floor((left.cpuMillis * budgetShare) / replicas)),
    memoryMi: Math.min(
      EDGE_BASE_MEMORY_MI + maxStreams * STREAM_BUFFER_MI,
      Math.floor(left.memoryMi / replicas),
    ),
  };
  return {
    requests: amount,
    limits: amount,
    replicas,
    accelerators: hw.accelerators / replicas,
    egressMbps,
    maxStreams,
  };
}

export function sizeSite(spec: SiteSizingInput): SiteSizing {
  const hw = spec.hardware;
  const allocatable = minus(
    { cpuMillis: hw.cpus * MILLICORES_PER_CPU, memoryMi: hw.cpus * MEMORY_MI_PER_CPU },
    SYSTEM_RESERVED,
  );
  const devicePlugin = hw.accelerators > 0 ? DEVICE_PLUGIN_SIZE : undefined;
  const platform = [AGENT_SIZE, ...(devicePlugin ? [devicePlugin] : [])].map((w) => w.requests);
  const forRelease = minus(allocatable, ...platform);
  const forEdge = minus(forRelease, CACHE_SIZE.limits, LICENSE_PROXY_SIZE.limits);
  return {
    allocatable,
    agent: AGENT_SIZE,
    ...(devicePlugin ? { devicePlugin } : {}),
    edge: sizeEdge(hw, spec.streaming.egressBudgetMbps, forEdge),
    cache: CACHE_SIZE,
    licenseProxy: LICENSE_PROXY_SIZE,
    cacheVolumeGB: Math.floor(hw.storageGB * CACHE_SHARE),
    releaseQuota: { ...forRelease, accelerators: hw.accelerators },
  };
}

export interface ReleaseWorkload {
  size: WorkloadSize;
  replicas: number;
  /** Accelerators per replica, requested as ACCELERATOR_RESOURCE. */
  accelerators: number;
}

/** What one service of a SiteRelease runs with on this box. */
export function releaseWorkload(sizing: SiteSizing, service: string): ReleaseWorkload {
  switch (service) {
    case EDGE_SERVICE:
      return { size: sizing.edge, replicas: sizing.edge.replicas, accelerators: sizing.edge.accelerators };
    case CACHE_SERVICE:
      return { size: sizing.cache, replicas: 1, accelerators: 0 };
    case LICENSE_PROXY_SERVICE:
      return { size: sizing.licenseProxy, replicas: 1, accelerators: 0 };
    default:
      return { size: DEFAULT_SERVICE_SIZE, replicas: 1, accelerators: 0 };
  }
}

/** An amount as Kubernetes quantities. */
export function quantities(a: Amount): { cpu: string; memory: string } {
  return { cpu: `${a.cpuMillis}m`, memory: `${a.memoryMi}Mi` };
}

/** Kubernetes quantities for a container's `resources`. */
export function resourceQuantities(size: WorkloadSize): {
  requests: Record<string, string>;
  limits: Record<string, string>;
} {
  return { requests: quantities(size.requests), limits: quantities(size.limits) };
}
