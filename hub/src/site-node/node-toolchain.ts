/**
 * What a site's real node runs beside the kube binaries: containerd, runc and the CNI plugins from
 * Debian, and the pod sandbox image built locally (scripts/toolchain/install-node.sh), cached, so
 * only the first start waits.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { run } from '../run.ts';
import { cacheDir, ensureToolchain, type Toolchain } from '../toolchain.ts';

const INSTALL_SCRIPT = fileURLToPath(new URL('../../../scripts/toolchain/install-node.sh', import.meta.url));
/** Debian's containernetworking-plugins put the plugins here. */
export const CNI_BIN_DIR = '/usr/lib/cni';

export interface NodeToolchain extends Toolchain {
  containerd: string;
  /** The pause image as a docker-archive each node's containerd imports, and its reference. */
  pauseArchive: string;
  pauseImage: string;
}

/** The cached node toolchain, installing or building what is missing (minutes, once). */
export async function ensureNodeToolchain(
  log: (line: string) => void = console.error,
): Promise<NodeToolchain> {
  const kube = await ensureToolchain(log);
  const out = await run('bash', [INSTALL_SCRIPT], {
    env: { ...process.env, SMART_FLEET_CACHE: cacheDir() },
    onStderrLine: (line) => {
      if (line.startsWith('[toolchain]')) {
        log(line);
      }
    },
  });
  const [pauseArchive, pauseImage] = out.trim().split('\n').slice(-2);
  if (!pauseArchive || !pauseImage || !existsSync(pauseArchive)) {
    throw new Error(`the node toolchain install printed no pause image; see ${INSTALL_SCRIPT}`);
  }
  return { ...kube, containerd: '/usr/bin/containerd', pauseArchive, pauseImage };
}
