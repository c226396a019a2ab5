/**
 * Can this machine run a site node? Checked before anything starts, so a user reads what is
 * missing (root, cgroup v1, mount namespaces, the CNI plugins) instead of watching a kubelet hang.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { CNI_BIN_DIR, ensureNodeToolchain, type NodeToolchain } from './node-toolchain.ts';

/** This machine or sandbox cannot run containers; `missing` lists each reason, one per line. */
export class NodeUnsupportedError extends Error {
  readonly missing: readonly string[];

  constructor(missing: readonly string[]) {
    super(
      `this machine cannot run a site node (containers under a kubelet):\n${missing.map((m) => `  - ${m}`).join('\n')}\nThe site's control plane still runs without it; its releases are then only accepted, never run.`,
    );
    this.name = 'NodeUnsupportedError';
    this.missing = missing;
  }
}

const CGROUP_CONTROLLERS = ['cpu', 'memory', 'pids', 'devices', 'freezer'] as const;

function cgroupsMissing(): string[] {
  if (existsSync('/sys/fs/cgroup/cgroup.controllers') && !existsSync('/sys/fs/cgroup/memory')) {
    return ['cgroup v1: this kernel has the unified (v2) hierarchy only, which kubelet 1.20 does not manage'];
  }
  const absent = CGROUP_CONTROLLERS.filter((c) => !existsSync(join('/sys/fs/cgroup', c)));
  return absent.length > 0
    ? [`cgroup v1 controllers mounted under /sys/fs/cgroup: ${absent.join(', ')} missing`]
    : [];
}

function cniMissing(): string[] {
  return ['bridge', 'host-local', 'loopback']
    .filter((plugin) => !existsSync(join(CNI_BIN_DIR, plugin)))
    .map((plugin) => `the CNI ${plugin} plugin in ${CNI_BIN_DIR} (Debian's containernetworking-plugins)`);
}

/** The node's kubelet and containerd share a private mount namespace (see site-node.ts). */
function mountNamespaceMissing(): string[] {
  const probe = spawnSync('unshare', ['--mount', '--propagation', 'private', 'true'], { encoding: 'utf8' });
  return probe.status === 0
    ? []
    : [`a private mount namespace (unshare --mount): ${(probe.stderr || probe.error?.message || '').trim()}`];
}

/** What the machine itself lacks, which no install can add. */
function machineMissing(): string[] {
  if (process.platform !== 'linux') {
    return [`a site node needs Linux (this is ${process.platform})`];
  }
  if (process.getuid?.() !== 0) {
    return ['root: runc, cgroups, mounts and network namespaces need it (run as root)'];
  }
  const cgroups = cgroupsMissing();
  return cgroups.length > 0 ? cgroups : mountNamespaceMissing();
}

/** Every reason this machine cannot run a node now; empty when it can. */
export function nodePreflight(): string[] {
  const missing = machineMissing();
  return missing.length > 0 ? missing : cniMissing();
}

/**
 * The node toolchain (containerd, runc, the CNI plugins, the pause image), installed where the
 * machine can run containers at all (minutes, once); throws NodeUnsupportedError naming what is
 * missing otherwise. The install comes before the full check: a fresh machine has no CNI plugins.
 */
export async function ensureNodeSupported(log: (line: string) => void): Promise<NodeToolchain> {
  const machine = machineMissing();
  if (machine.length > 0) {
    throw new NodeUnsupportedError(machine);
  }
  const toolchain = await ensureNodeToolchain(log);
  const missing = nodePreflight();
  if (missing.length > 0) {
    throw new NodeUnsupportedError(missing);
  }
  return toolchain;
}

/** Readies this machine for site nodes where it can; returns what is still missing (empty: ready). */
export async function prepareSiteNodes(log: (line: string) => void): Promise<string[]> {
  try {
    await ensureNodeSupported(log);
    return [];
  } catch (err) {
    if (err instanceof NodeUnsupportedError) {
      return [...err.missing];
    }
    throw err;
  }
}
