/**
 * The edge-sessions benchmark's baseline: the same Debian nginx serving the same pre-positioned
 * files as a plain static server, so the edge's figure can be read against what the file serving
 * itself allows here. Plain: no secure_link, no auth_request, no limit_rate, no access log; the
 * edge's file-sending settings and worker count, so the only difference is what the edge adds.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '@smart-fleet/kube';
import { FILE_SENDING, MEDIA_TYPES } from '../../services/src/nginx/http-common.ts';
import { type HttpBlock, NginxServer } from '../../services/src/nginx/nginx-server.ts';

export interface PlainNginx {
  url: string;
  server: NginxServer;
  /** The master's pid file (its workers are its children). */
  pidFile: string;
}

/** The worker count an nginx prefix directory's running config asks for. */
export function workerProcessesOf(nginxDir: string): number {
  const conf = readFileSync(join(nginxDir, 'nginx.conf'), 'utf8');
  const workers = Number(/^worker_processes (\d+);/m.exec(conf)?.[1]);
  if (!Number.isInteger(workers) || workers < 1) {
    throw new Error(`${nginxDir}/nginx.conf does not set worker_processes to a number`);
  }
  return workers;
}

function plainHttp(listen: string, root: string): HttpBlock {
  return (generation) => `  ${MEDIA_TYPES}
  ${FILE_SENDING}
  access_log off;
  server {
    listen ${listen};
    ${generation}
    location / { root ${root}; }
  }`;
}

/** A plain static nginx over `root`, on a free loopback port, with `workers` workers. */
export async function startPlainNginx(o: {
  dir: string;
  root: string;
  workers: number;
}): Promise<PlainNginx> {
  const listen = `127.0.0.1:${await freePort('127.0.0.1')}`;
  const server = await NginxServer.start(
    { dir: o.dir, controlAddress: listen, workerProcesses: o.workers },
    plainHttp(listen, o.root),
  );
  return { url: `http://${listen}`, server, pidFile: join(o.dir, 'nginx.pid') };
}
