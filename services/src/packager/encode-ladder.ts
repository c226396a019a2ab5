/**
 * Encoding the rendition ladder: one ffmpeg run decodes the mezzanine once, splits the picture
 * and encodes every rendition (scaled to its rung, at its bitrate, in its codec) with AAC audio
 * into an intermediate MP4 per rendition. Keyframes are forced on every segment boundary so the
 * HLS and DASH remuxes that follow cut identical, independently decodable segments.
 */
import { join } from 'node:path';
import { runFfmpeg } from './ffmpeg-process.ts';
import { fitResolution, type Resolution } from './ladder.ts';
import type { RenditionSpec, ResolvedOptions } from './package-options.ts';
import type { MediaInfo } from './probe.ts';
import { VIDEO_CODECS } from './video-codecs.ts';

export interface EncodedRendition {
  spec: RenditionSpec;
  /** The box the ladder chose, fitted to the source. */
  resolution: Resolution;
  file: string;
}

/**
 * Every rung keeps the source's display aspect exactly: even sizes round some rungs off it
 * (854x480 is not quite 16:9), and a DASH adaptation set refuses renditions whose aspects differ,
 * so the rounding goes into the sample aspect ratio instead.
 */
function scaleFilter(index: number, resolution: Resolution, source: Resolution): string {
  const scale = `scale=${resolution.width}:${resolution.height}:flags=bicubic`;
  return `[s${index}]${scale},setdar=${source.width}/${source.height}[v${index}]`;
}

function outputArgs(
  options: ResolvedOptions,
  source: MediaInfo,
  rendition: EncodedRendition,
  index: number,
): string[] {
  const codec = VIDEO_CODECS[rendition.spec.codec];
  const kbps = Math.round(rendition.spec.bitrateMbps * 1000);
  // The GOP cap is one segment; keyframes on the boundaries are forced either way, so a source
  // without a known frame rate simply leaves the cap at the encoder's default.
  const gop =
    source.video.frameRate > 0
      ? ['-g', String(Math.round(source.video.frameRate * options.segmentSeconds))]
      : [];
  const audio = source.audio
    ? ['-map', '0:a:0', '-c:a', 'aac', '-b:a', `${options.audioBitrateKbps}k`, '-ac', '2']
    : [];
  return [
    '-map',
    `[v${index}]`,
    '-c:v',
    codec.encoder,
    ...codec.options(options.x264Preset),
    '-b:v',
    `${kbps}k`,
    '-maxrate',
    `${kbps}k`,
    '-bufsize',
    `${kbps * 2}k`,
    ...gop,
    '-force_key_frames',
    `expr:gte(t,n_forced*${options.segmentSeconds})`,
    ...audio,
    '-y',
    rendition.file,
  ];
}

export async function encodeLadder(
  context: { options: ResolvedOptions; source: MediaInfo; workDir: string; ffmpeg: string },
  onPercent: (percent: number) => void,
): Promise<EncodedRendition[]> {
  const { options, source } = context;
  const sourceSize = { width: source.video.width, height: source.video.height };
  const renditions = options.renditions.map((spec) => ({
    spec,
    resolution: fitResolution(options.ladder(spec.bitrateMbps), sourceSize),
    file: join(context.workDir, `${spec.name}.mp4`),
  }));
  const split = `[0:v:0]split=${renditions.length}${renditions.map((_, i) => `[s${i}]`).join('')}`;
  const filter = [split, ...renditions.map((r, i) => scaleFilter(i, r.resolution, sourceSize))].join(';');
  await runFfmpeg({
    ffmpeg: context.ffmpeg,
    step: 'encode',
    args: [
      '-i',
      options.input,
      '-filter_complex',
      filter,
      ...renditions.flatMap((r, i) => outputArgs(options, source, r, i)),
    ],
    durationSeconds: source.durationSeconds,
    timeoutMs: options.stepTimeoutMs,
    onPercent,
  });
  return renditions;
}
