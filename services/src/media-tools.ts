/**
 * Where the data plane's Debian tools are (ffmpeg, ffprobe, nginx), installing them first with
 * scripts/toolchain/install-media.sh when any is missing (minutes, once per machine).
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const INSTALL = fileURLToPath(new URL('../../scripts/toolchain/install-media.sh', import.meta.url));

export interface MediaTools {
  ffmpeg: string;
  ffprobe: string;
  nginx: string;
}

let cached: MediaTools | undefined;

export function mediaTools(): MediaTools {
  if (cached) {
    return cached;
  }
  const known = { ffmpeg: '/usr/bin/ffmpeg', ffprobe: '/usr/bin/ffprobe', nginx: '/usr/sbin/nginx' };
  if (Object.values(known).every((p) => existsSync(p))) {
    cached = known;
    return cached;
  }
  const lines = execFileSync('bash', [INSTALL], { stdio: ['ignore', 'pipe', 'inherit'] })
    .toString()
    .trim()
    .split('\n');
  const [ffmpeg, ffprobe, nginx] = lines.slice(-3);
  if (!ffmpeg || !ffprobe || !nginx) {
    throw new Error(`${INSTALL} did not print the paths of ffmpeg, ffprobe and nginx`);
  }
  cached = { ffmpeg, ffprobe, nginx };
  return cached;
}
