/**
 * The packager's refusals, typed so callers (the CLI, the packaging job) can tell bad input from
 * a failed tool: PackagerInputError names the option (and the CLI maps it to its flag);
 * FfmpegError names the step and carries the tail of ffmpeg's own message. Neither ever carries
 * key material: keys reach ffmpeg through a FIFO, never its arguments.
 */

export class PackagerInputError extends Error {
  override readonly name = 'PackagerInputError';
  /** The option at fault, e.g. `renditions[1].bitrateMbps`. */
  readonly field: string;

  constructor(field: string, message: string) {
    super(`${field}: ${message}`);
    this.field = field;
  }
}

export class FfmpegError extends Error {
  override readonly name = 'FfmpegError';
  /** Which step ran ffmpeg: probe, encode, hls:<rendition>, dash. */
  readonly step: string;
  readonly exitCode: number | null;

  constructor(step: string, exitCode: number | null, detail: string) {
    super(`${step}: ffmpeg ${exitCode === null ? 'was stopped' : `exited with ${exitCode}`}: ${detail}`);
    this.step = step;
    this.exitCode = exitCode;
  }
}
