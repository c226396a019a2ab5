/**
 * Can this machine run a site node? Checked before anything starts, so a user reads what is
 * missing (root, cgroup v1, mount namespaces, the CNI plugins) instead of watching a kubelet hang.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { CNI_BIN_DIR } from './node-toolchain.ts';

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

/** Every reason this machine cannot run a node; empty when it can. */
export function nodePreflight(): string[] {
  if (process.platform !== 'linux') {
    return [`a site node needs Linux (this is ${process.platform})`];
  }
  if (process.getuid?.() !== 0) {
    return ['root: runc, cgroups, mounts and network namespaces need it (run as root)'];
  }
  const missing = [...cgroupsMissing(), ...cniMissing()];
  return missing.length > 0 ? missing : mountNamespaceMissing();
}

export function assertNodeSupported(): void {
  const missing = nodePreflight();
  if (missing.length > 0) {
    throw new NodeUnsupportedError(missing);
  }
}
