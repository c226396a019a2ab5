/**
 * The title the edge-sessions benchmark plays: a generated clip (ffmpeg's testsrc2 under temporal
 * noise, so x264 has to spend the whole bitrate: a clean test pattern would come out at a tenth
 * of it) packaged by the real packager into one H.264 rendition, HLS AES-128, as the origin's
 * library holds it. Packaging takes a minute or two on two cores, so the package is kept in
 * bench/.cache/ under a hash of everything that shapes it and reused by later runs; the
 * mezzanine is removed once packaged. The content keys are fresh per packaging and never
 * written down (only their ids are, in packaged.json): nothing in the benchmark decrypts.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { mediaTools } from '../../services/src/media-tools.ts';
import { packageTitle } from '../../services/src/packager/package-title.ts';
import { MANIFEST_FILE, type PackagedTitle } from '../../services/src/packager/packaged-manifest.ts';
import { freshKeys } from '../../services/src/packager/test-support/tiny-media.ts';

const run = promisify(execFile);
/** Bumped when the way the fixture is made changes, so an old cache entry is not taken for it. */
const FIXTURE_VERSION = 1;
const MEZZANINE_TIMEOUT_MS = 5 * 60_000;

export interface EdgeFixtureOptions {
  /** Where packages are kept (bench/.cache/edge-sessions). */
  cacheDir: string;
  title: string;
  rendition: string;
  seconds: number;
  bitrateMbps: number;
  width: number;
  height: number;
  fps: number;
  segmentSeconds: number;
}

export interface EdgeFixture {
  /** The origin's library: `<libraryDir>/<title>/hls/<rendition>/index.m3u8` and its segments. */
  libraryDir: string;
  manifest: PackagedTitle;
  /** The playlist, relative to a title's root as the edge and the origin serve it. */
  playlistPath: string;
  /** Key ids the package is under (what an entitlement lists). */
  keyIds: string[];
  /** Whether it came from the cache. */
  reused: boolean;
  /** Seconds spent making it (0 when reused). */
  seconds: number;
}

export const DEFAULT_FIXTURE: Omit<EdgeFixtureOptions, 'cacheDir'> = {
  title: 'edge-bench',
  rendition: 'hd-20m',
  seconds: 20,
  bitrateMbps: 20,
  width: 1280,
  height: 720,
  fps: 25,
  segmentSeconds: 4,
};

/** A mezzanine that is hard to compress: noise changes every pixel of every frame. */
async function makeMezzanine(o: EdgeFixtureOptions, file: string): Promise<void> {
  const size = `${o.width}x${o.height}`;
  await run(
    mediaTools().ffmpeg,
    [
      ...['-hide_banner', '-loglevel', 'error', '-nostdin', '-y'],
      ...[
        '-f',
        'lavfi',
        '-i',
        `testsrc2=size=${size}:rate=${o.fps}:duration=${o.seconds},noise=alls=30:allf=t+u`,
      ],
      ...['-f', 'lavfi', '-i', `sine=frequency=440:sample_rate=48000:duration=${o.seconds}`],
      // Near-lossless, so the noise survives into the packager's encode.
      ...['-c:v', 'libx264', '-preset', 'ultrafast', '-crf', '20', '-pix_fmt', 'yuv420p'],
      ...['-c:a', 'aac', '-shortest', file],
    ],
    { timeout: MEZZANINE_TIMEOUT_MS },
  );
}

function fixtureOf(o: EdgeFixtureOptions, libraryDir: string, reused: boolean, seconds: number): EdgeFixture {
  const manifest = JSON.parse(
    readFileSync(join(libraryDir, o.title, MANIFEST_FILE), 'utf8'),
  ) as PackagedTitle;
  const rendition = manifest.renditions.find((r) => r.name === o.rendition);
  if (!rendition?.hls) {
    throw new Error(`${libraryDir}/${o.title}: the package has no HLS rendition ${o.rendition}`);
  }
  return {
    libraryDir,
    manifest,
    playlistPath: rendition.hls.playlist,
    keyIds: [...new Set(rendition.hls.keyPeriods.map((p) => p.keyId))],
    reused,
    seconds,
  };
}

/** The packaged title for these options: from the cache, or packaged now (and cached). */
export async function edgeFixture(o: EdgeFixtureOptions): Promise<EdgeFixture> {
  const { cacheDir, ...shape } = o;
  const key = createHash('sha256')
    .update(JSON.stringify({ version: FIXTURE_VERSION, ...shape }))
    .digest('hex')
    .slice(0, 16);
  const dir = join(cacheDir, key);
  const libraryDir = join(dir, 'library');
  // packaged.json is the packager's last write: a folder without it is a failed run, not a package.
  if (existsSync(join(libraryDir, o.title, MANIFEST_FILE))) {
    return fixtureOf(o, libraryDir, true, 0);
  }
  const started = performance.now();
  const work = `${dir}.partial`;
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  try {
    const mezzanine = join(work, 'mezzanine.mp4');
    await makeMezzanine(o, mezzanine);
    const segments = Math.ceil(o.seconds / o.segmentSeconds);
    await packageTitle({
      input: mezzanine,
      outDir: join(work, 'library', o.title),
      title: o.title,
      renditions: [{ name: o.rendition, codec: 'H.264', bitrateMbps: o.bitrateMbps }],
      keys: freshKeys(1),
      formats: ['hls'],
      segmentSeconds: o.segmentSeconds,
      // Relative, as the edge expects: resolved under the session's signed prefix.
      hlsKeyBaseUrl: 'keys/',
      ladder: () => ({ width: o.width, height: o.height }),
      x264Preset: 'veryfast',
      stepTimeoutMs: Math.max(60_000, segments * 60_000),
    });
    rmSync(mezzanine);
    writeFileSync(join(work, 'fixture.json'), `${JSON.stringify({ version: FIXTURE_VERSION, ...shape })}\n`);
    rmSync(dir, { recursive: true, force: true });
    renameSync(work, dir);
  } catch (error) {
    rmSync(work, { recursive: true, force: true });
    throw error;
  }
  return fixtureOf(o, libraryDir, false, (performance.now() - started) / 1000);
}
