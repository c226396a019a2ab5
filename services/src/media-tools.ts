/**
 * Where the data plane's Debian tools are (ffmpeg, ffprobe, nginx), installing them first with
 * scripts/toolchain/install-media.sh when one that is asked for is missing (minutes, once per
 * machine). Each tool is looked up on its own: the streaming edge's image carries nginx but no
 * ffmpeg (and no installer), so asking for nginx must not require the others.
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

export type MediaTool = keyof MediaTools;

/** Where Debian's packages put each tool. */
const DEBIAN_PATHS: MediaTools = {
  ffmpeg: '/usr/bin/ffmpeg',
  ffprobe: '/usr/bin/ffprobe',
  nginx: '/usr/sbin/nginx',
};

let installed: MediaTools | undefined;

/** The path of one tool: Debian's when it is there, else the installer's (run once). */
export function mediaTool(name: MediaTool): string {
  if (existsSync(DEBIAN_PATHS[name])) {
    return DEBIAN_PATHS[name];
  }
  installed ??= install();
  return installed[name];
}

export function mediaTools(): MediaTools {
  return { ffmpeg: mediaTool('ffmpeg'), ffprobe: mediaTool('ffprobe'), nginx: mediaTool('nginx') };
}

function install(): MediaTools {
  if (!existsSync(INSTALL)) {
    throw new Error(`ffmpeg, ffprobe or nginx is missing and there is no installer at ${INSTALL}`);
  }
  const lines = execFileSync('bash', [INSTALL], { stdio: ['ignore', 'pipe', 'inherit'] })
    .toString()
    .trim()
    .split('\n');
  const [ffmpeg, ffprobe, nginx] = lines.slice(-3);
  if (!ffmpeg || !ffprobe || !nginx) {
    throw new Error(`${INSTALL} did not print the paths of ffmpeg, ffprobe and nginx`);
  }
  return { ffmpeg, ffprobe, nginx };
}
