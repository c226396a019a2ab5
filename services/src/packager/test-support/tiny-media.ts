/**
 * Tiny real media for the packager's and encryptor's tests: a few seconds of ffmpeg's testsrc2
 * picture and a sine tone, a two-rung test ladder with bitrates far below the service range (so
 * encodes take a second on two cores), fresh content keys, and decoding helpers that report what
 * ffmpeg decoded (frame hashes) and what it complained about.
 */
import { spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { ContentKey } from '../../cenc/index.ts';
import { mediaTools } from '../../media-tools.ts';
import type { Ladder } from '../ladder.ts';
import type { PackageOptions } from '../package-options.ts';
import { generateTestClip } from '../test-clip.ts';

export const TINY = { seconds: 4, width: 320, height: 180, fps: 25 } as const;
/** Frames in the tiny mezzanine: every decode of a full rendition must give this many. */
export const TINY_FRAMES = TINY.seconds * TINY.fps;

/** The test ladder: bitrate decides the rung, as in production, at a thousandth of the cost. */
export const TINY_LADDER: Ladder = (mbps) =>
  mbps < 0.4 ? { width: 256, height: 144 } : { width: 320, height: 180 };

/** Options every tiny package shares: low bitrates allowed, 1-second segments, a fast preset. */
export const TINY_PACKAGE: Pick<
  PackageOptions,
  'ladder' | 'bitrateRangeMbps' | 'segmentSeconds' | 'x264Preset' | 'stepTimeoutMs'
> = {
  ladder: TINY_LADDER,
  bitrateRangeMbps: { min: 0.1, max: 20 },
  segmentSeconds: 1,
  x264Preset: 'veryfast',
  stepTimeoutMs: 60_000,
};

/** Writes the mezzanine (H.264 + AAC in MP4) into `dir` and returns its path. */
export function makeTinyMezzanine(dir: string): Promise<string> {
  return generateTestClip({ file: join(dir, 'mezzanine.mp4'), ...TINY });
}

export function freshKeys(count: number): ContentKey[] {
  return Array.from({ length: count }, () => ({ keyId: randomUUID(), key: randomBytes(16) }));
}

export interface Decoded {
  /** One MD5 per decoded frame of the selected stream, in order (ffmpeg's framemd5). */
  hashes: string[];
  /** ffmpeg's error output (empty when it decoded cleanly). */
  errors: string;
  exitCode: number | null;
}

/**
 * Decodes with ffmpeg, `input` being the args before the output (e.g. -decryption_key, -i URL),
 * and optional bytes on stdin (for `-i pipe:0`). Bounded by a timeout.
 */
export function decode(options: {
  input: readonly string[];
  stdin?: Buffer;
  map?: string;
}): Promise<Decoded> {
  const { ffmpeg } = mediaTools();
  const args = [
    ...['-hide_banner', '-nostdin', '-loglevel', 'error', ...options.input],
    ...['-map', options.map ?? '0:v:0', '-f', 'framemd5', '-'],
  ];
  const child = spawn(ffmpeg, args, { stdio: [options.stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'] });
  let out = '';
  let errors = '';
  child.stdout?.setEncoding('utf8').on('data', (c: string) => {
    out += c;
  });
  child.stderr?.setEncoding('utf8').on('data', (c: string) => {
    errors = (errors + c).slice(-20_000);
  });
  child.stdin?.on('error', () => {}).end(options.stdin);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (exitCode) => {
      clearTimeout(timer);
      const hashes = out
        .split('\n')
        .filter((l) => l && !l.startsWith('#'))
        .map((l) => l.split(',').at(-1)?.trim() ?? '');
      resolve({ hashes, errors: errors.trim(), exitCode });
    });
  });
}
