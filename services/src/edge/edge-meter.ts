/**
 * The edge's telemetry, read from what it did: nginx's access log (one JSON line per request,
 * format in nginx/http-common.ts), the admission service's counters and the bytes on disk. Each
 * `sample()` covers the requests logged since the last one:
 *   - egress Mbps: bytes sent over the time between samples;
 *   - cache hit ratio: media requests served from this site (pre-positioned, or a cache HIT)
 *     over all media requests; with no media request in the window it keeps the last figure
 *     (1 before any: nothing has been missed);
 *   - errors: responses with a 5xx status.
 * A line is counted once (the reader keeps its byte offset; a log that shrank was rotated and is
 * read from its start), and the reading is bounded per sample (MAX_READ_BYTES; the rest is read
 * next time), as is every line (a longer one is skipped and counted as unreadable).
 */
import { closeSync, existsSync, fstatSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';

const MAX_READ_BYTES = 64 * 1024 * 1024;
const MAX_LINE_BYTES = 16 * 1024;
/** Walking the storage is bounded too; it is refreshed at most this often. */
const MAX_WALK_ENTRIES = 200_000;
const STORAGE_REFRESH_MS = 30_000;

export interface EdgeWindow {
  egressMbps: number;
  cacheHitRatio: number;
  errors: number;
  /** Requests in the window, by where their bytes came from. */
  requests: { local: number; fillHit: number; fillMiss: number; other: number };
  unreadableLines: number;
}

interface LogLine {
  t: number;
  status: number;
  bytes: number;
  src: string;
  cache: string;
}

export class AccessLogReader {
  readonly #file: string;
  #offset = 0;
  #carry = '';

  constructor(file: string) {
    this.#file = file;
  }

  /** The complete lines appended since the last call (bounded), parsed; unreadable ones counted. */
  read(): { lines: LogLine[]; unreadable: number } {
    if (!existsSync(this.#file)) {
      return { lines: [], unreadable: 0 };
    }
    const fd = openSync(this.#file, 'r');
    try {
      const size = fstatSync(fd).size;
      if (size < this.#offset) {
        this.#offset = 0; // rotated
        this.#carry = '';
      }
      const length = Math.min(size - this.#offset, MAX_READ_BYTES);
      const buffer = Buffer.alloc(length);
      const got = length > 0 ? readSync(fd, buffer, 0, length, this.#offset) : 0;
      this.#offset += got;
      const text = this.#carry + buffer.subarray(0, got).toString('utf8');
      const parts = text.split('\n');
      this.#carry = parts.pop() ?? '';
      const overlong = this.#carry.length > MAX_LINE_BYTES;
      if (overlong) {
        this.#carry = '';
      }
      const { lines, unreadable: bad } = parseLines(parts);
      const unreadable = bad + (overlong ? 1 : 0);
      return { lines, unreadable };
    } finally {
      closeSync(fd);
    }
  }
}

function parseLines(parts: readonly string[]): { lines: LogLine[]; unreadable: number } {
  const lines: LogLine[] = [];
  let unreadable = 0;
  for (const part of parts) {
    const line = part.length <= MAX_LINE_BYTES ? parseLine(part) : undefined;
    if (line) {
      lines.push(line);
    } else if (part.trim() !== '') {
      unreadable++;
    }
  }
  return { lines, unreadable };
}

type Requests = EdgeWindow['requests'];

/** Where a request's bytes came from: this site (pre-positioned or a cache HIT), the parent, or neither (control). */
function classify(line: LogLine): keyof Requests {
  if (line.src === 'local' && line.status < 400) {
    return 'local';
  }
  if (line.src === 'fill') {
    return line.cache === 'HIT' ? 'fillHit' : 'fillMiss';
  }
  return 'other';
}

function parseLine(text: string): LogLine | undefined {
  try {
    const v = JSON.parse(text) as Partial<LogLine>;
    return typeof v.t === 'number' && typeof v.status === 'number' && typeof v.bytes === 'number'
      ? { t: v.t, status: v.status, bytes: v.bytes, src: String(v.src ?? ''), cache: String(v.cache ?? '') }
      : undefined;
  } catch {
    return undefined;
  }
}

export class EdgeMeter {
  readonly #log: AccessLogReader;
  readonly #now: () => number;
  #lastAt: number;
  #hitRatio = 1;

  constructor(accessLog: string, now: () => number = Date.now) {
    this.#log = new AccessLogReader(accessLog);
    this.#now = now;
    this.#lastAt = now();
  }

  sample(): EdgeWindow {
    const now = this.#now();
    const seconds = Math.max(0.001, (now - this.#lastAt) / 1000);
    this.#lastAt = now;
    const { lines, unreadable } = this.#log.read();
    const requests: Requests = { local: 0, fillHit: 0, fillMiss: 0, other: 0 };
    let bytes = 0;
    let errors = 0;
    for (const line of lines) {
      bytes += line.bytes;
      errors += line.status >= 500 ? 1 : 0;
      requests[classify(line)]++;
    }
    const media = requests.local + requests.fillHit + requests.fillMiss;
    if (media > 0) {
      this.#hitRatio = (requests.local + requests.fillHit) / media;
    }
    return {
      egressMbps: (bytes * 8) / seconds / 1e6,
      cacheHitRatio: this.#hitRatio,
      errors,
      requests,
      unreadableLines: unreadable,
    };
  }
}

/** Bytes under the given directories (bounded walk), refreshed at most every 30 s. */
export class StorageMeter {
  readonly #dirs: readonly string[];
  #cached?: { at: number; bytes: number };

  constructor(dirs: readonly string[]) {
    this.#dirs = dirs;
  }

  bytes(now = Date.now()): number {
    if (this.#cached && now - this.#cached.at < STORAGE_REFRESH_MS) {
      return this.#cached.bytes;
    }
    const bytes = directoryBytes(this.#dirs.filter((d) => existsSync(d)));
    this.#cached = { at: now, bytes };
    return bytes;
  }

  /** Forget the cached figure (after a fill or an eviction). */
  invalidate(): void {
    this.#cached = undefined;
  }
}

/** Bytes of the files under `dirs`, walking at most MAX_WALK_ENTRIES entries. */
function directoryBytes(dirs: string[]): number {
  let bytes = 0;
  let entries = 0;
  const stack = [...dirs];
  while (stack.length > 0 && entries < MAX_WALK_ENTRIES) {
    const dir = stack.pop() as string;
    const listed = readdirSync(dir, { withFileTypes: true });
    entries += listed.length;
    stack.push(...listed.filter((e) => e.isDirectory()).map((e) => join(dir, e.name)));
    bytes += listed
      .filter((e) => e.isFile())
      .reduce((n, e) => n + (statSync(join(dir, e.name), { throwIfNoEntry: false })?.size ?? 0), 0);
  }
  return bytes;
}
