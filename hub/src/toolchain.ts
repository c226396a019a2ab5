/**
 * The local hub's binaries: etcd, kubectl, kube-apiserver and kube-controller-manager, and the
 * sites' nodes' kube-scheduler and kubelet, installed and built by
 * scripts/toolchain/install-kube.sh into a cache, so only the first run waits.
 */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { run } from './run.ts';

export const KUBE_VERSION = '1.20.2';
const INSTALL_SCRIPT = fileURLToPath(new URL('../../scripts/toolchain/install-kube.sh', import.meta.url));

export interface Toolchain {
  binDir: string;
  etcd: string;
  kubeApiserver: string;
  kubeControllerManager: string;
  kubeScheduler: string;
  kubelet: string;
  kubectl: string;
  /** The Kubernetes tree's pause.c, kept for the pod sandbox image (scripts/toolchain/install-node.sh). */
  pauseSource: string;
  /** Present when the kubelet carries the device-plugin authority fix (see install-kube.sh). */
  kubeletFixMarker: string;
}

export function cacheDir(): string {
  return (
    process.env.SMART_FLEET_CACHE ??
    join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'smart-fleet')
  );
}

function toolchainAt(binDir: string): Toolchain {
  return {
    binDir,
    etcd: join(binDir, 'etcd'),
    kubeApiserver: join(binDir, 'kube-apiserver'),
    kubeControllerManager: join(binDir, 'kube-controller-manager'),
    kubeScheduler: join(binDir, 'kube-scheduler'),
    kubelet: join(binDir, 'kubelet'),
    kubectl: join(binDir, 'kubectl'),
    pauseSource: join(binDir, '..', 'src', 'pause.c'),
    kubeletFixMarker: join(binDir, 'kubelet.device-plugin-authority'),
  };
}

function isComplete(tc: Toolchain): boolean {
  return [
    tc.etcd,
    tc.kubeApiserver,
    tc.kubeControllerManager,
    tc.kubeScheduler,
    tc.kubelet,
    tc.kubectl,
    tc.pauseSource,
    tc.kubeletFixMarker,
  ].every((f) => existsSync(f));
}

/** The cached toolchain, installing or building what is missing (minutes, once). */
export async function ensureToolchain(log: (line: string) => void = console.error): Promise<Toolchain> {
  const cached = toolchainAt(join(cacheDir(), `kube-${KUBE_VERSION}`, 'bin'));
  if (isComplete(cached)) {
    return cached;
  }
  log(`[toolchain] installing the local hub's Kubernetes toolchain into ${cached.binDir}`);
  const out = await run('bash', [INSTALL_SCRIPT], {
    env: { ...process.env, SMART_FLEET_CACHE: cacheDir() },
    onStderrLine: (line) => {
      if (line.startsWith('[toolchain]') || line.startsWith('+++')) {
        log(line);
      }
    },
  });
  const binDir = out.trim().split('\n').at(-1) ?? cached.binDir;
  const tc = toolchainAt(binDir);
  if (!isComplete(tc)) {
    throw new Error(
      `toolchain install finished but ${binDir} lacks a binary; see scripts/toolchain/install-kube.sh`,
    );
  }
  return tc;
}
