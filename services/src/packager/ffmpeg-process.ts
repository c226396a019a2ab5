/**
 * Running one ffmpeg command to its end, with progress: ffmpeg's `-progress pipe:1` reports
 * `out_time_us` as it goes, turned here into a percent of the expected duration. Only the tail
 * of ffmpeg's stderr is kept (for the error), the run is stopped at its deadline, and the
 * arguments never hold key material (keys reach ffmpeg through FIFOs), so they can be logged.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { FfmpegError } from './packager-errors.ts';

const STDERR_TAIL_CHARS = 4000;

export interface FfmpegRun {
  ffmpeg: string;
  /** Names the run in progress and errors: encode, hls:hd-8m, dash. */
  step: string;
  args: readonly string[];
  /** Seconds of media the run produces, for the percent. */
  durationSeconds: number;
  timeoutMs: number;
  onPercent?: (percent: number) => void;
}

/** Reads `out_time_us=` lines and reports whole-percent changes. */
function progressReader(run: FfmpegRun): (line: string) => void {
  let last = -1;
  return (line) => {
    const match = /^out_time_us=(\d+)$/.exec(line.trim());
    const done = line.trim() === 'progress=end';
    if (!match && !done) {
      return;
    }
    const seconds = match ? Number(match[1]) / 1e6 : run.durationSeconds;
    const percent = Math.min(100, Math.floor((seconds / Math.max(run.durationSeconds, 0.001)) * 100));
    if (percent !== last) {
      last = percent;
      run.onPercent?.(percent);
    }
  };
}

export function runFfmpeg(run: FfmpegRun): Promise<void> {
  const args = [
    '-hide_banner',
    '-nostdin',
    '-loglevel',
    'error',
    '-nostats',
    '-progress',
    'pipe:1',
    ...run.args,
  ];
  const child = spawn(run.ffmpeg, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-STDERR_TAIL_CHARS);
  });
  createInterface({ input: child.stdout }).on('line', progressReader(run));
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => {
      stderr += `\n(stopped after ${run.timeoutMs} ms)`;
      child.kill('SIGKILL');
    }, run.timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(new FfmpegError(run.step, null, `could not start ${run.ffmpeg}: ${error.message}`));
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) {
        resolvePromise();
      } else {
        reject(
          new FfmpegError(run.step, code, stderr.trim().split('\n').slice(-8).join(' | ') || 'no message'),
        );
      }
    });
  });
}
