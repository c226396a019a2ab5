/**
 * A generated clip to package when there is no real mezzanine: ffmpeg's testsrc2 picture (a
 * moving pattern with a frame counter) and a 440 Hz tone, H.264 + AAC in MP4. The tests' tiny
 * media and `npm start`'s sample title are made with it.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mediaTools } from '../media-tools.ts';

const run = promisify(execFile);

export interface TestClip {
  file: string;
  seconds: number;
  width: number;
  height: number;
  fps: number;
  /** x264 quality (lower is better): a mezzanine should be far better than what is made of it. */
  crf?: number;
}

export async function generateTestClip(clip: TestClip): Promise<string> {
  const { ffmpeg } = mediaTools();
  const size = `${clip.width}x${clip.height}`;
  await run(
    ffmpeg,
    [
      ...['-hide_banner', '-loglevel', 'error', '-nostdin', '-y'],
      ...['-f', 'lavfi', '-i', `testsrc2=size=${size}:rate=${clip.fps}:duration=${clip.seconds}`],
      ...['-f', 'lavfi', '-i', `sine=frequency=440:sample_rate=48000:duration=${clip.seconds}`],
      ...[
        '-c:v',
        'libx264',
        '-preset',
        'ultrafast',
        ...(clip.crf === undefined ? [] : ['-crf', String(clip.crf)]),
      ],
      ...['-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest', clip.file],
    ],
    { timeout: 120_000 },
  );
  return clip.file;
}
