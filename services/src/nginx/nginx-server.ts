/**
 * One nginx (Debian's) run by us, as the distribution origin and the streaming edge are: its
 * own prefix directory (config, pid, logs, temp paths), in the foreground as our child so it
 * never outlives us, reloaded in place and stopped gracefully.
 *
 * A reload is nginx's own: the new config is checked first (`nginx -t`; a bad one changes
 * nothing and the error names the line), then SIGHUP makes the master start workers on it while
 * the old workers finish the requests they hold, so no session is dropped. Each config carries
 * its generation in `/nginx-generation`, and a reload returns once nginx answers with the new one.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { waitFor } from '@smart-fleet/kube';
import { mediaTool } from '../media-tools.ts';

const run = promisify(execFile);
const READY_TIMEOUT_MS = 15_000;
const STOP_GRACE_MS = 10_000;

export class NginxError extends Error {
  override readonly name = 'NginxError';
}

/** What every config we render needs, and the path that answers with its generation. */
export const GENERATION_PATH = '/nginx-generation';

/**
 * A config's body: everything inside `http { }` but the temp paths, which this file adds. It is
 * given the location that answers with the config's generation, to put in the server that
 * listens on the control address.
 */
export type HttpBlock = (generationLocation: string) => string;

export interface NginxServerOptions {
  /** The prefix directory (created): nginx.conf, logs/, temp/ and the pid file live here. */
  dir: string;
  /** host:port the generation endpoint answers on (one of the config's listen addresses). */
  controlAddress: string;
  workerProcesses?: number | 'auto';
  workerConnections?: number;
}

/** The generation's answer carries a nonce of this server's: a stale nginx still bound to the address is not taken for ours. */
const generationMark = (nonce: string, generation: number) => `${nonce}-${generation}`;

function mainConfig(o: NginxServerOptions, http: HttpBlock, nonce: string, generation: number): string {
  const temp = (what: string) => `${what}_temp_path ${join(o.dir, 'temp', what)};`;
  return `# Rendered by SMART Fleet (generation ${generation}); edits are overwritten.
daemon off;
master_process on;
${process.getuid?.() === 0 ? '# Run as root (this sandbox): workers keep root too, to read the test directories.\nuser root root;' : ''}
worker_processes ${o.workerProcesses ?? 1};
pid ${join(o.dir, 'nginx.pid')};
error_log ${join(o.dir, 'logs', 'error.log')} warn;
events { worker_connections ${o.workerConnections ?? 4096}; }
http {
  ${['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map(temp).join('\n  ')}
  server_tokens off;
${http(`location = ${GENERATION_PATH} { default_type text/plain; return 200 "${generationMark(nonce, generation)}"; }`)}
}
`;
}

export class NginxServer {
  readonly #o: NginxServerOptions;
  readonly #child: ChildProcess;
  readonly #nonce: string;
  #generation: number;
  #exited?: string;

  private constructor(o: NginxServerOptions, child: ChildProcess, nonce: string, generation: number) {
    this.#o = o;
    this.#nonce = nonce;
    this.#child = child;
    this.#generation = generation;
    // Our child dies with us, even on an exit that skips stop() (an uncaught error).
    const orphaned = () => child.kill('SIGKILL');
    process.once('exit', orphaned);
    child.on('exit', (code, signal) => {
      this.#exited = `nginx exited with ${signal ?? code}`;
      process.off('exit', orphaned);
    });
  }

  /** Checks the config, starts nginx on it, and returns once it answers. */
  static async start(o: NginxServerOptions, http: HttpBlock): Promise<NginxServer> {
    for (const sub of ['logs', 'temp']) {
      mkdirSync(join(o.dir, sub), { recursive: true });
    }
    const conf = join(o.dir, 'nginx.conf');
    const nonce = randomBytes(6).toString('hex');
    await NginxServer.#check(o, conf, mainConfig(o, http, nonce, 1));
    const child = spawn(mediaTool('nginx'), ['-p', o.dir, '-c', conf], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-4000);
    });
    const server = new NginxServer(o, child, nonce, 1);
    try {
      await server.#answers(1);
    } catch (error) {
      await server.stop();
      throw new NginxError(`nginx in ${o.dir} did not start: ${stderr.trim() || String(error)}`);
    }
    return server;
  }

  get generation(): number {
    return this.#generation;
  }

  get running(): boolean {
    return this.#exited === undefined;
  }

  /** A new config, checked, then taken up without dropping what is being served. */
  async reload(http: HttpBlock): Promise<void> {
    if (this.#exited) {
      throw new NginxError(`cannot reload: ${this.#exited}`);
    }
    const next = this.#generation + 1;
    await NginxServer.#check(
      this.#o,
      join(this.#o.dir, 'nginx.conf'),
      mainConfig(this.#o, http, this.#nonce, next),
    );
    this.#child.kill('SIGHUP');
    await this.#answers(next);
    this.#generation = next;
  }

  /** Graceful (SIGQUIT: finish what is in flight), then SIGKILL after a grace period. */
  async stop(): Promise<void> {
    if (this.#exited || this.#child.exitCode !== null) {
      return;
    }
    const gone = new Promise<void>((resolve) => this.#child.once('exit', () => resolve()));
    this.#child.kill('SIGQUIT');
    const timer = setTimeout(() => this.#child.kill('SIGKILL'), STOP_GRACE_MS);
    await gone;
    clearTimeout(timer);
  }

  /** Writes the config beside the live one, checks it with `nginx -t`, and only then puts it in place. */
  static async #check(o: NginxServerOptions, conf: string, text: string): Promise<void> {
    const candidate = `${conf}.next`;
    writeFileSync(candidate, text, { mode: 0o600 });
    try {
      await run(mediaTool('nginx'), ['-t', '-q', '-p', o.dir, '-c', candidate]);
    } catch (error) {
      const detail = (error as { stderr?: string }).stderr?.trim() || String(error);
      throw new NginxError(`nginx refused the rendered config (nothing changed): ${detail}`);
    }
    renameSync(candidate, conf);
  }

  async #answers(generation: number): Promise<void> {
    await waitFor(
      async () => {
        const res = await fetch(`http://${this.#o.controlAddress}${GENERATION_PATH}`, {
          signal: AbortSignal.timeout(1000),
        }).catch(() => undefined);
        return res?.ok && (await res.text()) === generationMark(this.#nonce, generation);
      },
      {
        what: `nginx in ${this.#o.dir} to serve generation ${generation}`,
        timeoutMs: READY_TIMEOUT_MS,
        abortReason: () => this.#exited,
      },
    );
  }
}
