/**
 * A tiny HTTP server on 127.0.0.1 for playback tests: serves a package folder (and any extra
 * pages), the HLS keys at the license service's key path (/keys/hls/<keyId>, 16 raw bytes) and
 * ClearKey licenses (POST /license: {"kids":[...]} -> {"keys":[{kty,kid,k}]}). Keys can be
 * swapped for wrong ones or removed mid-test, and every key request is counted.
 */
import { createReadStream, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';
import type { ContentKey } from '../../cenc/index.ts';

const TYPES: Record<string, string> = {
  '.m3u8': 'application/vnd.apple.mpegurl',
  '.ts': 'video/mp2t',
  '.mpd': 'application/dash+xml',
  '.m4s': 'video/iso.segment',
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
};
const MAX_LICENSE_BODY = 64 * 1024;

export interface MediaServer {
  url: string;
  /** Key bytes served per key id; set, replace or delete entries to simulate wrong or missing keys. */
  keys: Map<string, Buffer>;
  /** Key requests per key id (HLS and ClearKey together). */
  keyRequests: Map<string, number>;
  /** Extra routes (path -> body), e.g. the test's HTML page. */
  pages: Map<string, { type: string; body: string }>;
  close(): Promise<void>;
}

const base64url = (b: Buffer) => b.toString('base64url');

function serveFile(root: string, path: string, res: ServerResponse): void {
  const file = normalize(join(root, decodeURIComponent(path)));
  if (!file.startsWith(root + sep)) {
    res.writeHead(403).end();
    return;
  }
  try {
    const size = statSync(file).size;
    res.writeHead(200, {
      'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
      'content-length': size,
    });
    createReadStream(file).pipe(res);
  } catch {
    res.writeHead(404).end();
  }
}

async function license(server: MediaServer, req: IncomingMessage, res: ServerResponse): Promise<void> {
  let body = '';
  for await (const chunk of req) {
    body += chunk;
    if (body.length > MAX_LICENSE_BODY) {
      res.writeHead(413).end();
      return;
    }
  }
  const kids = (JSON.parse(body) as { kids?: string[] }).kids ?? [];
  const keys = kids.flatMap((kid) => {
    const keyId = Buffer.from(kid, 'base64url')
      .toString('hex')
      .replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, '$1-$2-$3-$4-$5');
    server.keyRequests.set(keyId, (server.keyRequests.get(keyId) ?? 0) + 1);
    const key = server.keys.get(keyId);
    return key ? [{ kty: 'oct', kid, k: base64url(key) }] : [];
  });
  res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys, type: 'temporary' }));
}

function hlsKey(server: MediaServer, keyId: string, res: ServerResponse): void {
  server.keyRequests.set(keyId, (server.keyRequests.get(keyId) ?? 0) + 1);
  const key = server.keys.get(keyId);
  if (!key) {
    res.writeHead(404).end();
    return;
  }
  res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': key.length }).end(key);
}

export async function startMediaServer(root: string, keys: readonly ContentKey[]): Promise<MediaServer> {
  const server: MediaServer = {
    url: '',
    keys: new Map(keys.map((k) => [k.keyId, k.key])),
    keyRequests: new Map(),
    pages: new Map(),
    close: async () => {},
  };
  const http = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    const page = server.pages.get(path);
    if (page) {
      res.writeHead(200, { 'content-type': page.type }).end(page.body);
    } else if (path.startsWith('/keys/hls/')) {
      hlsKey(server, path.slice('/keys/hls/'.length), res);
    } else if (path === '/license' && req.method === 'POST') {
      license(server, req, res).catch(() => res.writeHead(400).end());
    } else {
      serveFile(root, path, res);
    }
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  server.url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  server.close = () =>
    new Promise((resolve) => {
      http.closeAllConnections();
      http.close(() => resolve());
    });
  return server;
}
