/**
 * packageTitle: a mezzanine file in, a packaged title out. Probe the source, encode the ladder
 * once, remux it to HLS (AES-128 TS, rotating keys) and DASH (CENC fMP4 with ContentProtection),
 * measure what was written and record it in packaged.json. Progress is reported per step as a
 * percent (ffmpeg's own -progress for the encodes). The scratch folder (intermediate encodes,
 * key FIFOs) is removed whatever happens; packaged.json is written last, so a folder without it
 * is a failed run, never a package.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { mediaTools } from '../media-tools.ts';
import { type EncodedRendition, encodeLadder } from './encode-ladder.ts';
import { type DashPackage, packageDash } from './package-dash.ts';
import { type HlsPackage, hlsKeyPeriodsNeeded, packageHls } from './package-hls.ts';
import {
  MAX_DURATION_SECONDS,
  type PackageOptions,
  type ResolvedOptions,
  resolveOptions,
} from './package-options.ts';
import {
  MANIFEST_VERSION,
  type PackagedRendition,
  type PackagedTitle,
  writeManifest,
} from './packaged-manifest.ts';
import { PackagerInputError } from './packager-errors.ts';
import { type MediaInfo, probeMedia } from './probe.ts';

export type PackageStep = 'probe' | 'encode' | 'hls' | 'dash' | 'encrypt' | 'manifest';

export interface PackageProgress {
  step: PackageStep;
  /** The rendition the step works on, where it works on one. */
  rendition?: string;
  percent: number;
}

function checkSource(options: ResolvedOptions, source: MediaInfo): void {
  if (source.durationSeconds > MAX_DURATION_SECONDS) {
    throw new PackagerInputError(
      'input',
      `${source.durationSeconds} s is longer than a title may be (${MAX_DURATION_SECONDS} s)`,
    );
  }
  if (options.formats.includes('hls')) {
    const needed = hlsKeyPeriodsNeeded(options, source.durationSeconds);
    if (options.keys.length < needed) {
      throw new PackagerInputError(
        'keys',
        `${needed} HLS key periods (${source.durationSeconds.toFixed(1)} s in ${options.segmentSeconds}-s segments, a new key every ${options.keyRotationSegments} segments) need ${needed} keys, ${options.keys.length} given`,
      );
    }
  }
}

interface Results {
  options: ResolvedOptions;
  source: MediaInfo;
  encoded: readonly EncodedRendition[];
  encodedInfo: readonly MediaInfo[];
  hls?: HlsPackage;
  dash?: DashPackage;
  started: number;
}

function renditionRecord(results: Results, index: number): PackagedRendition {
  const e = results.encoded[index] as EncodedRendition;
  const info = results.encodedInfo[index] as MediaInfo;
  const hls = results.hls?.renditions.get(e.spec.name);
  const dash = results.dash?.representations.find((r) => r.rendition === e.spec.name);
  const bytes = (hls?.bytes ?? 0) + (dash?.bytes ?? 0);
  return {
    name: e.spec.name,
    codec: e.spec.codec,
    encodedCodec: info.video.codec,
    resolution: { width: info.video.width, height: info.video.height },
    targetMbps: e.spec.bitrateMbps,
    sizeMB: Math.max(1, Math.ceil(bytes / 1e6)),
    ...(hls ? { hls } : {}),
    ...(dash && results.dash
      ? {
          dash: {
            representationId: dash.id,
            segments: dash.segments,
            bytes: dash.bytes,
            measuredMbps: dash.measuredMbps,
            keyId: results.dash.keyId,
          },
        }
      : {}),
  };
}

function manifestOf(results: Results): PackagedTitle {
  const { options, source, hls, dash } = results;
  const renditions = results.encoded.map((_, i) => renditionRecord(results, i));
  const audioDash = dash?.representations.find((r) => r.kind === 'audio');
  const totalBytes =
    [...(hls?.renditions.values() ?? [])].reduce((sum, r) => sum + r.bytes, 0) +
    (dash?.representations ?? []).reduce((sum, r) => sum + r.bytes, 0);
  return {
    version: MANIFEST_VERSION,
    title: options.title,
    packagedAt: new Date().toISOString(),
    source: {
      file: basename(options.input),
      durationSeconds: source.durationSeconds,
      resolution: { width: source.video.width, height: source.video.height },
      hasAudio: source.audio !== undefined,
    },
    formats: [...options.formats],
    segmentSeconds: options.segmentSeconds,
    ...(options.keyRotationSegments ? { keyRotationSegments: options.keyRotationSegments } : {}),
    renditions,
    ...(source.audio
      ? {
          audio: {
            codec: 'aac' as const,
            bitrateKbps: options.audioBitrateKbps,
            ...(audioDash
              ? {
                  dash: {
                    representationId: audioDash.id,
                    segments: audioDash.segments,
                    bytes: audioDash.bytes,
                  },
                }
              : {}),
          },
        }
      : {}),
    ...(hls ? { hls: { master: hls.master, keyUriBase: options.hlsKeyBaseUrl } } : {}),
    ...(dash ? { dash: { mpd: dash.mpd, scheme: 'cenc' as const, keyId: dash.keyId } } : {}),
    totalBytes,
    elapsedMs: Date.now() - results.started,
  };
}

/** Packages a title; resolves with what packaged.json records. */
export async function packageTitle(
  options: PackageOptions,
  onProgress: (progress: PackageProgress) => void = () => {},
): Promise<PackagedTitle> {
  const started = Date.now();
  const resolved = resolveOptions(options);
  const tools = mediaTools();
  onProgress({ step: 'probe', percent: 0 });
  const source = await probeMedia(tools.ffprobe, resolved.input);
  checkSource(resolved, source);
  mkdirSync(resolved.outDir, { recursive: true });
  const workDir = mkdtempSync(join(tmpdir(), 'smart-fleet-packager-'));
  try {
    const context = { options: resolved, source, workDir, ffmpeg: tools.ffmpeg };
    const encoded = await encodeLadder(context, (percent) => onProgress({ step: 'encode', percent }));
    const encodedInfo = await Promise.all(
      encoded.map((e) => probeMedia(tools.ffprobe, e.file, `renditions.${e.spec.name}`)),
    );
    const shared = { options: resolved, ffmpeg: tools.ffmpeg, durationSeconds: source.durationSeconds };
    const hls = resolved.formats.includes('hls')
      ? await packageHls(
          {
            ...shared,
            workDir,
            onPercent: (rendition, percent) => onProgress({ step: 'hls', rendition, percent }),
          },
          encoded,
        )
      : undefined;
    const dash = resolved.formats.includes('dash')
      ? await packageDash(
          {
            ...shared,
            hasAudio: source.audio !== undefined,
            onPercent: (step, percent) => onProgress({ step, percent }),
          },
          encoded,
        )
      : undefined;
    const manifest = manifestOf({
      options: resolved,
      source,
      encoded,
      encodedInfo,
      started,
      ...(hls ? { hls } : {}),
      ...(dash ? { dash } : {}),
    });
    writeManifest(resolved.outDir, manifest);
    onProgress({ step: 'manifest', percent: 100 });
    return manifest;
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}
