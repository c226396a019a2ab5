/**
 * Small images for tests on a real site node, built here (nothing can be pulled): busybox from
 * Debian's busybox-static on an empty base, enough for an HTTP server with a readiness probe and
 * for a pod that prints what devices and environment it was given.
 */
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BuiltImage, buildImage } from '@smart-fleet/hub';

/** Debian's busybox-static installs its static binary here (scripts/toolchain/install-node.sh). */
const BUSYBOX = '/bin/busybox';

export async function busyboxImage(): Promise<BuiltImage> {
  const dir = mkdtempSync(join(tmpdir(), 'smart-fleet-busybox-'));
  try {
    copyFileSync(BUSYBOX, join(dir, 'busybox'));
    writeFileSync(
      join(dir, 'Containerfile'),
      'FROM scratch\nCOPY busybox /bin/busybox\nUSER 65534:65534\nENTRYPOINT ["/bin/busybox"]\n',
    );
    return await buildImage({ name: 'smart-fleet-test-busybox', tag: 'test', contextDir: dir });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
