/**
 * How each codec a ContentTitle may ask for (model CODECS) is encoded and carried. Decision:
 * all four go to both outputs. MPEG-TS carries MPEG-1/2/4 video natively, and fragmented MP4
 * holds them too (an `mp4v` sample entry with the MPEG-1, MPEG-2 or MPEG-4 Visual object type;
 * ffmpeg's DASH muxer writes it), so nothing is HLS-only. Their DASH tracks are CENC-encrypted
 * full-sample (they have no NAL units to keep clear); H.264 uses subsample encryption.
 * Browsers play only the H.264 renditions; the others serve set-top players that decode them.
 */
import type { CODECS } from '@smart-fleet/model';

export type Codec = (typeof CODECS)[number];

export interface VideoCodec {
  /** ffmpeg encoder. */
  encoder: string;
  /** Encoder options beyond bitrate and GOP, given the x264 preset. */
  options: (preset: string) => string[];
}

export const VIDEO_CODECS: Readonly<Record<Codec, VideoCodec>> = {
  'H.264': {
    encoder: 'libx264',
    options: (preset) => [
      '-preset',
      preset,
      '-profile:v',
      'high',
      '-pix_fmt',
      'yuv420p',
      '-sc_threshold',
      '0',
    ],
  },
  'MPEG-4': { encoder: 'mpeg4', options: () => ['-pix_fmt', 'yuv420p', '-sc_threshold', '0'] },
  'MPEG-2': { encoder: 'mpeg2video', options: () => ['-pix_fmt', 'yuv420p', '-sc_threshold', '0'] },
  'MPEG-1': { encoder: 'mpeg1video', options: () => ['-pix_fmt', 'yuv420p', '-sc_threshold', '0'] },
};

/** x264's presets, slowest last; anything else is refused rather than passed to ffmpeg. */
export const X264_PRESETS = [
  'ultrafast',
  'superfast',
  'veryfast',
  'faster',
  'fast',
  'medium',
  'slow',
  'slower',
  'veryslow',
] as const;
