/**
 * The HLS output: each encoded rendition remuxed (no re-encode) by ffmpeg's hls muxer into
 * AES-128 encrypted MPEG-TS segments, the key rotated every N segments through HlsKeyFeed, and a
 * master playlist over them. TS, not fMP4: ffmpeg 5.1 refuses encrypted fMP4 HLS ("Encrypted
 * fmp4 not yet supported"); DASH carries the fMP4/CENC form.
 */
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import type { ContentKey } from '../cenc/index.ts';
import type { EncodedRendition } from './encode-ladder.ts';
import { runFfmpeg } from './ffmpeg-process.ts';
import { HlsKeyFeed, type KeyPeriod } from './hls-key-feed.ts';
import { type MasterEntry, masterPlaylist, readMediaPlaylist } from './hls-playlist.ts';
import type { ResolvedOptions } from './package-options.ts';
import { PackagerInputError } from './packager-errors.ts';

export interface HlsRendition {
  /** Relative to the package folder. */
  playlist: string;
  segments: number;
  bytes: number;
  durationSeconds: number;
  /** All segment bytes (video, audio, TS overhead) over the duration. */
  measuredMbps: number;
  peakMbps: number;
  keyPeriods: KeyPeriod[];
}

export interface HlsPackage {
  master: string;
  renditions: Map<string, HlsRendition>;
}

interface HlsContext {
  options: ResolvedOptions;
  workDir: string;
  ffmpeg: string;
  durationSeconds: number;
  onPercent: (rendition: string, percent: number) => void;
}

/** Segments the duration makes, and the key periods (hence keys) they need. */
export function hlsKeyPeriodsNeeded(options: ResolvedOptions, durationSeconds: number): number {
  const segments = Math.ceil(durationSeconds / options.segmentSeconds);
  return options.keyRotationSegments ? Math.ceil(segments / options.keyRotationSegments) : 1;
}

function keyFor(options: ResolvedOptions, index: number): ContentKey | undefined {
  const period = options.keyRotationSegments ? Math.floor(index / options.keyRotationSegments) : 0;
  return options.keys[period];
}

function measure(playlistFile: string, rendition: string): Omit<HlsRendition, 'playlist' | 'keyPeriods'> {
  const segments = readMediaPlaylist(readFileSync(playlistFile, 'utf8'), `${rendition}/index.m3u8`);
  let bytes = 0;
  let durationSeconds = 0;
  let peakMbps = 0;
  for (const s of segments) {
    const size = statSync(join(dirname(playlistFile), s.uri)).size;
    bytes += size;
    durationSeconds += s.durationSeconds;
    peakMbps = Math.max(peakMbps, (size * 8) / Math.max(s.durationSeconds, 0.001) / 1e6);
  }
  const measuredMbps = (bytes * 8) / Math.max(durationSeconds, 0.001) / 1e6;
  return { segments: segments.length, bytes, durationSeconds, measuredMbps, peakMbps };
}

async function packageRendition(context: HlsContext, encoded: EncodedRendition): Promise<HlsRendition> {
  const { options } = context;
  const name = encoded.spec.name;
  const dir = join(options.outDir, 'hls', name);
  mkdirSync(dir, { recursive: true });
  const playlistFile = join(dir, 'index.m3u8');
  const feed = new HlsKeyFeed(context.workDir, {
    keyFor: (index) => keyFor(options, index),
    uriFor: (keyId) => `${options.hlsKeyBaseUrl}${keyId}`,
  });
  feed.start();
  try {
    await runFfmpeg({
      ffmpeg: context.ffmpeg,
      step: `hls:${name}`,
      args: [
        ...['-i', encoded.file, '-map', '0', '-c', 'copy', '-f', 'hls'],
        ...[
          '-hls_time',
          String(options.segmentSeconds),
          '-hls_playlist_type',
          'vod',
          '-hls_segment_type',
          'mpegts',
        ],
        ...['-hls_flags', 'periodic_rekey+independent_segments', '-hls_key_info_file', feed.keyInfoPath],
        ...['-hls_segment_filename', join(dir, 'segment-%05d.ts'), '-y', playlistFile],
      ],
      durationSeconds: context.durationSeconds,
      timeoutMs: options.stepTimeoutMs,
      onPercent: (p) => context.onPercent(name, p),
    });
  } catch (error) {
    throw feed.error ? new PackagerInputError('keys', `${name}: ${feed.error.message}`) : error;
  } finally {
    await feed.stop();
  }
  return {
    playlist: relative(options.outDir, playlistFile),
    ...measure(playlistFile, name),
    keyPeriods: [...feed.keyPeriods],
  };
}

export async function packageHls(
  context: HlsContext,
  encoded: readonly EncodedRendition[],
): Promise<HlsPackage> {
  const renditions = new Map<string, HlsRendition>();
  const entries: MasterEntry[] = [];
  for (const e of encoded) {
    const hls = await packageRendition(context, e);
    renditions.set(e.spec.name, hls);
    entries.push({
      uri: `${e.spec.name}/index.m3u8`,
      peakBps: hls.peakMbps * 1e6,
      averageBps: hls.measuredMbps * 1e6,
      resolution: e.resolution,
    });
  }
  const master = join(context.options.outDir, 'hls', 'master.m3u8');
  writeFileSync(master, masterPlaylist(entries));
  return { master: relative(context.options.outDir, master), renditions };
}
