/** The distribution origin: nginx serving the packaged library (origin-config.ts) from storage. */
import { join } from 'node:path';
import { freePort } from '@smart-fleet/kube';
import { NginxServer } from '../nginx/nginx-server.ts';
import { originHttp } from './origin-config.ts';

export interface OriginOptions {
  /** nginx's prefix directory (config, logs). */
  dir: string;
  libraryDir: string;
  host: string;
  /** 0: any free port. */
  port: number;
  /** Log each request (JSON lines) to `<dir>/logs/access.jsonl`. */
  logRequests?: boolean;
  workerProcesses?: number | 'auto';
}

export class Origin {
  readonly url: string;
  readonly accessLog?: string;
  readonly #nginx: NginxServer;

  private constructor(url: string, nginx: NginxServer, accessLog?: string) {
    this.url = url;
    this.#nginx = nginx;
    this.accessLog = accessLog;
  }

  static async start(o: OriginOptions): Promise<Origin> {
    const listen = `${o.host}:${o.port || (await freePort(o.host))}`;
    const accessLog = o.logRequests ? join(o.dir, 'logs', 'access.jsonl') : undefined;
    const nginx = await NginxServer.start(
      { dir: o.dir, controlAddress: listen, workerProcesses: o.workerProcesses },
      originHttp({ listen, libraryDir: o.libraryDir, accessLog }),
    );
    return new Origin(`http://${listen}`, nginx, accessLog);
  }

  stop(): Promise<void> {
    return this.#nginx.stop();
  }
}
