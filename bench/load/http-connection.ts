/**
 * One keep-alive HTTP/1.1 connection for the edge-sessions load generator: a player's requests
 * one at a time, bodies counted as they arrive into one reused read buffer. node:http moves
 * about 2 Gbps per core on loopback here (a Buffer and a stream event per 64 KB read), so
 * several hundred 20 Mbps players would measure the client, not the server; reading into a
 * fixed buffer (net's `onread`) costs little beyond the kernel's copy, about 7 Gbps per core.
 *
 * Only what the edge and nginx answer is understood: a status line, headers, and a body of
 * Content-Length bytes (or none: 204, 304). Anything else (a chunked body, a head over 16 KB, a
 * body longer than it said) fails the request with an HttpConnectionError naming it. A GET that
 * finds its reused connection closed by the server before any byte of an answer is sent again
 * once on a new one, as browsers do; a request with no progress for `timeoutMs` fails.
 */
import { connect, type Socket } from 'node:net';

const MAX_HEAD_BYTES = 16 * 1024;
const MAX_BODY_BYTES = 1024 * 1024 * 1024;
/** One read buffer for every connection of the process: each read is consumed before the next. */
const READ_BUFFER = Buffer.allocUnsafe(256 * 1024);
const HEADER_VALUE = /^[\t\x20-\x7e]{0,8192}$/;

export class HttpConnectionError extends Error {
  override readonly name = 'HttpConnectionError';
}

/** The server closed a connection before a byte of the answer: a reused one had gone idle. */
class ClosedBeforeAnswer extends HttpConnectionError {}

export interface HttpAsk {
  method?: 'GET' | 'POST' | 'DELETE';
  /** Path and query, e.g. /s/abc/1/sig/title/hls/r/index.m3u8. */
  path: string;
  headers?: Record<string, string>;
  body?: string;
  /** Keep up to this many body bytes as text (playlists, JSON); otherwise bytes are only counted. */
  keep?: number;
  timeoutMs: number;
}

export interface HttpAnswer {
  status: number;
  /** Body bytes received. */
  bytes: number;
  text?: string;
}

interface Pending {
  ask: HttpAsk;
  head: string;
  status: number;
  /** Body bytes still to come; -1 until the head is read. */
  remaining: number;
  bytes: number;
  kept: Buffer[];
  keptBytes: number;
  closeAfter: boolean;
  resolve: (a: HttpAnswer) => void;
  reject: (e: Error) => void;
}

function requestText(host: string, ask: HttpAsk): string {
  const headers = { host, ...(ask.headers ?? {}) };
  for (const [name, value] of Object.entries(headers)) {
    if (!/^[A-Za-z0-9-]{1,64}$/.test(name) || !HEADER_VALUE.test(value)) {
      throw new HttpConnectionError(
        `header ${name.slice(0, 64)}: not a header name, or a value with control characters`,
      );
    }
  }
  if (!/^\/[\x21-\x7e]{0,4095}$/.test(ask.path)) {
    throw new HttpConnectionError(
      `path ${ask.path.slice(0, 80)}: not an absolute path of at most 4096 characters`,
    );
  }
  const body = ask.body ?? '';
  const length = body || ask.method === 'POST' ? `content-length: ${Buffer.byteLength(body)}\r\n` : '';
  const lines = Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`);
  return `${ask.method ?? 'GET'} ${ask.path} HTTP/1.1\r\n${lines.join('')}${length}\r\n${body}`;
}

/** The status and body length a head gives, or why it cannot be read. */
function readHead(head: string): { status: number; length: number; close: boolean } {
  const [statusLine = '', ...lines] = head.split('\r\n');
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1]);
  if (!status) {
    throw new HttpConnectionError(
      `the answer does not start with an HTTP/1.x status line: ${statusLine.slice(0, 80)}`,
    );
  }
  const header = (name: string) =>
    lines
      .find((l) => l.toLowerCase().startsWith(`${name}:`))
      ?.slice(name.length + 1)
      .trim()
      .toLowerCase();
  if (header('transfer-encoding')) {
    throw new HttpConnectionError(
      `HTTP ${status} came with transfer-encoding ${header('transfer-encoding')}: only Content-Length bodies are read`,
    );
  }
  const given = header('content-length');
  const noBody = status === 204 || status === 304 || (status >= 100 && status < 200);
  const length = noBody ? 0 : Number(given);
  if (!Number.isInteger(length) || length < 0 || length > MAX_BODY_BYTES) {
    throw new HttpConnectionError(
      `HTTP ${status} came without a Content-Length up to ${MAX_BODY_BYTES} bytes`,
    );
  }
  return { status, length, close: header('connection') === 'close' };
}

export class HttpConnection {
  readonly #host: string;
  readonly #port: number;
  #socket?: Socket;
  #pending?: Pending;
  /** Answers read on the current socket: a closed reused socket is worth one retry. */
  #answered = 0;

  constructor(base: string) {
    const url = new URL(base);
    if (url.protocol !== 'http:' || !url.port) {
      throw new HttpConnectionError(`${base}: an http URL with a port is needed`);
    }
    this.#host = url.hostname;
    this.#port = Number(url.port);
  }

  async request(ask: HttpAsk): Promise<HttpAnswer> {
    const reused = this.#socket !== undefined && this.#answered > 0;
    try {
      return await this.#send(ask);
    } catch (error) {
      const retry = reused && (ask.method ?? 'GET') === 'GET' && error instanceof ClosedBeforeAnswer;
      if (!retry) {
        throw error;
      }
      return this.#send(ask);
    }
  }

  close(): void {
    this.#socket?.destroy();
    this.#socket = undefined;
  }

  #send(ask: HttpAsk): Promise<HttpAnswer> {
    if (this.#pending) {
      return Promise.reject(new HttpConnectionError('one request at a time on a connection'));
    }
    const text = requestText(`${this.#host}:${this.#port}`, ask);
    const socket = this.#socket ?? this.#open();
    return new Promise<HttpAnswer>((resolve, reject) => {
      this.#pending = {
        ask,
        head: '',
        status: 0,
        remaining: -1,
        bytes: 0,
        kept: [],
        keptBytes: 0,
        closeAfter: false,
        resolve,
        reject,
      };
      socket.setTimeout(ask.timeoutMs);
      socket.write(text);
    });
  }

  #open(): Socket {
    this.#answered = 0;
    const socket: Socket = connect({
      host: this.#host,
      port: this.#port,
      noDelay: true,
      onread: { buffer: READ_BUFFER, callback: (n: number): boolean => this.#read(socket, n, READ_BUFFER) },
    });
    socket.on('timeout', () =>
      this.#fail(
        socket,
        new HttpConnectionError(
          `${this.#pending?.ask.path}: no progress for ${this.#pending?.ask.timeoutMs} ms`,
        ),
      ),
    );
    socket.on('error', (error: Error) => this.#fail(socket, error));
    socket.on('close', () => {
      const p = this.#pending;
      this.#fail(
        socket,
        p && p.remaining < 0 && p.head === ''
          ? new ClosedBeforeAnswer(`${p.ask.path}: the server closed the connection before answering`)
          : new HttpConnectionError(`${p?.ask.path}: the server closed the connection mid-answer`),
      );
    });
    this.#socket = socket;
    return socket;
  }

  /** Ends the socket's pending request with `error` (if any) and forgets the socket. */
  #fail(socket: Socket, error: Error): void {
    if (this.#socket !== socket) {
      return;
    }
    this.#socket = undefined;
    socket.destroy();
    const p = this.#pending;
    this.#pending = undefined;
    p?.reject(error);
  }

  #read(socket: Socket, n: number, buffer: Buffer): boolean {
    const p = this.#pending;
    if (!p) {
      this.#fail(socket, new HttpConnectionError('the server sent bytes nobody asked for'));
      return false;
    }
    try {
      let at = 0;
      if (p.remaining < 0) {
        at = this.#readHeadBytes(p, buffer, n);
        if (p.remaining < 0) {
          return true;
        }
      }
      this.#readBody(p, buffer.subarray(at, n));
      if (p.remaining === 0) {
        this.#finish(socket, p);
      }
    } catch (error) {
      this.#fail(socket, error as Error);
    }
    return true;
  }

  /** Takes head bytes from the read; returns where the body starts in it (or n, the head not whole yet). */
  #readHeadBytes(p: Pending, buffer: Buffer, n: number): number {
    const before = p.head.length;
    p.head += buffer.toString('latin1', 0, Math.min(n, MAX_HEAD_BYTES + 4 - before));
    const end = p.head.indexOf('\r\n\r\n');
    if (end < 0) {
      if (p.head.length > MAX_HEAD_BYTES) {
        throw new HttpConnectionError(`${p.ask.path}: the answer's head is over ${MAX_HEAD_BYTES} bytes`);
      }
      return n;
    }
    const head = readHead(p.head.slice(0, end));
    p.status = head.status;
    p.remaining = head.length;
    p.closeAfter = head.close;
    return end + 4 - before;
  }

  #readBody(p: Pending, body: Buffer): void {
    if (body.length > p.remaining) {
      throw new HttpConnectionError(`${p.ask.path}: the body ran past its Content-Length`);
    }
    p.remaining -= body.length;
    p.bytes += body.length;
    const keep = p.ask.keep ?? 0;
    if (p.keptBytes < keep && body.length > 0) {
      const part = Buffer.from(body.subarray(0, keep - p.keptBytes)); // a copy: the read buffer is reused
      p.kept.push(part);
      p.keptBytes += part.length;
    }
  }

  #finish(socket: Socket, p: Pending): void {
    this.#pending = undefined;
    this.#answered++;
    socket.setTimeout(0);
    if (p.closeAfter) {
      this.#socket = undefined;
      socket.destroy();
    }
    p.resolve({
      status: p.status,
      bytes: p.bytes,
      ...(p.ask.keep !== undefined ? { text: Buffer.concat(p.kept).toString('utf8') } : {}),
    });
  }
}
