/**
 * Root filesystems for the images we build, from Debian's packages and nothing else: mmdebstrap
 * assembles a minimal bookworm (the essential set, no apt, no docs) plus what a flavour names into
 * a tarball, from this machine's own apt sources, so no image registry is ever asked. Cached under
 * the hash of what goes in, so each flavour is made once per machine (half a minute to a minute).
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { run } from '../run.ts';
import { cacheDir } from '../toolchain.ts';
import { cachedArtifact } from './cached-artifact.ts';

const SUITE = 'bookworm';
/** The apt sources the host uses; mmdebstrap reads the mirror from it. */
const HOST_SOURCES = '/etc/apt/sources.list.d/debian.sources';
const EXCLUDED_PATHS = ['/usr/share/man/*', '/usr/share/doc/*', '/usr/share/info/*', '/usr/share/locale/*'];

/**
 * The flavours: `node` is what Node 24's binary links against (libstdc++), the CA bundle, and
 * Debian's nginx (the edge, the origin and the console serve through it; a few MB); `media` adds
 * ffmpeg for the packager alone (several hundred MB the others do not carry).
 */
export const ROOTFS_FLAVOURS = {
  node: ['ca-certificates', 'libstdc++6', 'nginx'],
  media: ['ca-certificates', 'libstdc++6', 'nginx', 'ffmpeg'],
} as const;
export type RootfsFlavour = keyof typeof ROOTFS_FLAVOURS;

function sourcesText(): string {
  if (!existsSync(HOST_SOURCES)) {
    throw new Error(
      `${HOST_SOURCES} is missing: the image root filesystems are made from this machine's Debian apt sources`,
    );
  }
  return readFileSync(HOST_SOURCES, 'utf8');
}

/** The cached tarball of `flavour`'s root filesystem, made with mmdebstrap when missing. */
export async function debianRootfs(
  flavour: RootfsFlavour,
  log: (line: string) => void = () => {},
): Promise<string> {
  const packages = [...ROOTFS_FLAVOURS[flavour]].sort();
  const sources = sourcesText();
  const key = createHash('sha256')
    .update(JSON.stringify({ suite: SUITE, variant: 'essential', packages, EXCLUDED_PATHS, sources }))
    .digest('hex')
    .slice(0, 12);
  const tarball = join(cacheDir(), 'images', 'rootfs', `${flavour}-${SUITE}-${key}.tar`);
  if (!existsSync(tarball) && process.getuid?.() !== 0) {
    throw new Error(
      'making an image root filesystem needs root (mmdebstrap --mode=root, as the site node does)',
    );
  }
  const what = {
    making: `making the ${flavour} root filesystem (Debian ${SUITE}: ${packages.join(', ')})`,
    made: `made the ${flavour} root filesystem`,
  };
  return cachedArtifact(tarball, what, log, async (partial) => {
    await run('mmdebstrap', [
      '--quiet',
      '--variant=essential',
      '--mode=root',
      '--format=tar',
      `--include=${packages.join(',')}`,
      ...EXCLUDED_PATHS.map((p) => `--dpkgopt=path-exclude=${p}`),
      SUITE,
      partial,
      HOST_SOURCES,
    ]);
  });
}
