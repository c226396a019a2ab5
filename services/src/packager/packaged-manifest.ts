/**
 * The package's record, `packaged.json` beside the output: per rendition its codec, measured
 * resolution, target and measured bitrate, bytes, segment counts and the key ids it is under
 * (HLS per key period, DASH one KID), so the ContentTitle can be updated from facts read off the
 * files rather than from the request. Key ids only: never key bytes.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KeyPeriod } from './hls-key-feed.ts';
import type { Resolution } from './ladder.ts';
import type { Format } from './package-options.ts';
import type { Codec } from './video-codecs.ts';

export const MANIFEST_FILE = 'packaged.json';
export const MANIFEST_VERSION = 1;

export interface PackagedRendition {
  name: string;
  codec: Codec;
  /** ffmpeg's name of the encoded codec, from ffprobe (h264, mpeg2video, ...). */
  encodedCodec: string;
  resolution: Resolution;
  targetMbps: number;
  /** Megabytes (10^6 bytes) of all its segments in all formats, rounded up: ContentTitle sizeMB. */
  sizeMB: number;
  hls?: {
    playlist: string;
    segments: number;
    bytes: number;
    measuredMbps: number;
    peakMbps: number;
    keyPeriods: KeyPeriod[];
  };
  dash?: { representationId: string; segments: number; bytes: number; measuredMbps: number; keyId: string };
}

export interface PackagedTitle {
  version: typeof MANIFEST_VERSION;
  title: string;
  packagedAt: string;
  source: { file: string; durationSeconds: number; resolution: Resolution; hasAudio: boolean };
  formats: Format[];
  segmentSeconds: number;
  keyRotationSegments?: number;
  renditions: PackagedRendition[];
  audio?: {
    codec: 'aac';
    bitrateKbps: number;
    dash?: { representationId: string; segments: number; bytes: number };
  };
  hls?: { master: string; keyUriBase: string };
  dash?: { mpd: string; scheme: 'cenc'; keyId: string };
  totalBytes: number;
  elapsedMs: number;
}

export function writeManifest(outDir: string, manifest: PackagedTitle): string {
  const file = join(outDir, MANIFEST_FILE);
  writeFileSync(file, `${JSON.stringify(manifest, null, 2)}\n`);
  return file;
}
