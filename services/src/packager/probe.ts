/**
 * What the packager needs to know of a media file, from ffprobe: duration, picture size, frame
 * rate, whether it has audio, and per stream its codec and frame count. Used on the mezzanine
 * (refused when it has no video or is longer than a title may be) and on each encoded rendition
 * (its measured size and codec go into the manifest).
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { PackagerInputError } from './packager-errors.ts';

const run = promisify(execFile);
const MAX_PROBE_OUTPUT = 1024 * 1024;
const MAX_PICTURE = 8192;

export interface MediaInfo {
  durationSeconds: number;
  video: { codec: string; width: number; height: number; frameRate: number };
  audio?: { codec: string; channels: number; sampleRate: number };
}

interface ProbeStream {
  codec_type?: string;
  codec_name?: string;
  width?: number;
  height?: number;
  avg_frame_rate?: string;
  channels?: number;
  sample_rate?: string;
}

function frameRate(text: string | undefined): number {
  const [num, den] = (text ?? '0/1').split('/').map(Number);
  return num && den ? num / den : 0;
}

export async function probeMedia(ffprobe: string, file: string, field = 'input'): Promise<MediaInfo> {
  const args = [
    '-v',
    'error',
    '-show_entries',
    'format=duration:stream=codec_type,codec_name,width,height,avg_frame_rate,channels,sample_rate',
    '-of',
    'json',
    file,
  ];
  let stdout: string;
  try {
    ({ stdout } = await run(ffprobe, args, { maxBuffer: MAX_PROBE_OUTPUT, timeout: 60_000 }));
  } catch (error) {
    const message =
      (error as { stderr?: string }).stderr?.trim().split('\n').at(-1) ?? (error as Error).message;
    throw new PackagerInputError(field, `ffprobe cannot read ${file}: ${message}`);
  }
  const parsed = JSON.parse(stdout) as { format?: { duration?: string }; streams?: ProbeStream[] };
  const streams = parsed.streams ?? [];
  const video = streams.find((s) => s.codec_type === 'video');
  const audio = streams.find((s) => s.codec_type === 'audio');
  const durationSeconds = Number(parsed.format?.duration);
  if (!video?.width || !video.height || video.width > MAX_PICTURE || video.height > MAX_PICTURE) {
    throw new PackagerInputError(
      field,
      `${file} has no video stream of a size we take (up to ${MAX_PICTURE} px)`,
    );
  }
  if (!Number.isFinite(durationSeconds) || durationSeconds <= 0) {
    throw new PackagerInputError(field, `${file} has no duration`);
  }
  return {
    durationSeconds,
    video: {
      codec: video.codec_name ?? 'unknown',
      width: video.width,
      height: video.height,
      frameRate: frameRate(video.avg_frame_rate),
    },
    ...(audio
      ? {
          audio: {
            codec: audio.codec_name ?? 'unknown',
            channels: audio.channels ?? 0,
            sampleRate: Number(audio.sample_rate ?? 0),
          },
        }
      : {}),
  };
}
