/**
 * buildah and mmdebstrap, installed from Debian when missing (scripts/toolchain/install-image-tools.sh):
 * all that building the component images needs, so `npm run images` on a fresh machine does not
 * wait for the Kubernetes binaries a site node needs.
 */
import { fileURLToPath } from 'node:url';
import { run } from '../run.ts';

const INSTALL_SCRIPT = fileURLToPath(
  new URL('../../../scripts/toolchain/install-image-tools.sh', import.meta.url),
);

export async function ensureImageTools(log: (line: string) => void = () => {}): Promise<void> {
  await run('bash', [INSTALL_SCRIPT], {
    onStderrLine: (line) => {
      if (line.startsWith('[toolchain]')) {
        log(line);
      }
    },
  });
}
