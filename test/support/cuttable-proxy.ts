/**
 * A loopback TCP proxy a test can cut, stall and restore, to stage faults between two processes:
 * - `cut()`: every connection reset and new ones refused (a peer that crashed, a partition).
 * - `stall()`: every connection, open or new, held open with nothing forwarded either way (a
 *   black-holed path, a server that accepts and never answers): only the caller's own timeouts
 *   can notice.
 * - `restore()`: new connections forward again. Connections that were stalled stay dead until
 *   their client gives up on them, as half-open connections do.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createConnection, createServer, type Server, type Socket } from 'node:net';

interface Pair {
  client: Socket;
  upstream?: Socket;
  held: boolean;
}

export class CuttableProxy {
  readonly #target: { host: string; port: number };
  readonly #pairs = new Set<Pair>();
  #server?: Server;
  #stalled = false;
  port = 0;

  constructor(targetUrl: string) {
    const url = new URL(targetUrl);
    this.#target = { host: url.hostname, port: Number(url.port) };
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Connections open now, held (stalled) ones included. */
  get connections(): number {
    return this.#pairs.size;
  }

  /** Connections held by a stall, open now. */
  get held(): number {
    return [...this.#pairs].filter((p) => p.held).length;
  }

  /** Connections accepted so far. */
  accepted = 0;

  restore(): Promise<void> {
    this.#stalled = false;
    if (this.#server?.listening) {
      return Promise.resolve();
    }
    const server = createServer((client) => this.#accept(client));
    this.#server = server;
    return new Promise((resolve) =>
      server.listen(this.port, '127.0.0.1', () => {
        const address = server.address();
        this.port = typeof address === 'object' && address ? address.port : 0;
        resolve();
      }),
    );
  }

  /** Holds every connection, open or new, with nothing forwarded; see the header. */
  stall(): void {
    this.#stalled = true;
    for (const pair of this.#pairs) {
      this.#hold(pair);
    }
  }

  cut(): Promise<void> {
    this.#stalled = false;
    for (const { client, upstream } of this.#pairs) {
      client.destroy();
      upstream?.destroy();
    }
    this.#pairs.clear();
    const server = this.#server;
    this.#server = undefined;
    return new Promise((resolve) => (server?.listening ? server.close(() => resolve()) : resolve()));
  }

  #accept(client: Socket): void {
    const pair: Pair = { client, held: false };
    this.accepted++;
    this.#pairs.add(pair);
    client.on('error', () => client.destroy());
    // The client giving up ends its upstream too; a held client is never told of the upstream.
    client.on('close', () => {
      pair.upstream?.destroy();
      this.#pairs.delete(pair);
    });
    if (this.#stalled) {
      this.#hold(pair);
      return;
    }
    const upstream = createConnection(this.#target);
    pair.upstream = upstream;
    upstream.on('error', () => upstream.destroy());
    upstream.on('close', () => {
      if (!pair.held) {
        client.destroy();
      }
    });
    client.pipe(upstream).pipe(client);
  }

  #hold(pair: Pair): void {
    pair.held = true;
    for (const socket of [pair.client, pair.upstream]) {
      socket?.unpipe();
      socket?.pause();
    }
  }
}

/** A copy of `kubeconfig` whose server is reached through `proxy` (TLS passes through it). */
export function kubeconfigThrough(kubeconfig: string, proxy: CuttableProxy): string {
  const text = readFileSync(kubeconfig, 'utf8');
  const server = /server:\s*"?(https?:\/\/[^\s"]+)/.exec(text)?.[1];
  if (!server) {
    throw new Error(`${kubeconfig} names no server to put a proxy in front of`);
  }
  const url = new URL(server);
  const path = `${kubeconfig}.via-${proxy.port}`;
  writeFileSync(path, text.replace(url.host, `127.0.0.1:${proxy.port}`), { mode: 0o600 });
  return path;
}
