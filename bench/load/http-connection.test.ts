import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { type AddressInfo, createServer as createTcpServer, type Socket } from 'node:net';
import { after, describe, it } from 'node:test';
import { HttpConnection, HttpConnectionError } from './http-connection.ts';

const closers: (() => void)[] = [];
after(() => {
  for (const close of closers) {
    close();
  }
});

/** A node:http server on a free loopback port; counts the connections it accepts. */
async function serve(handler: (req: IncomingMessage, res: ServerResponse, body: string) => void) {
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8').on('data', (c: string) => {
      body += c;
    });
    req.on('end', () => handler(req, res, body));
  });
  const sockets = new Set<Socket>();
  server.on('connection', (s) => sockets.add(s));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  closers.push(() => {
    server.closeAllConnections();
    server.close();
  });
  return { base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, sockets, server };
}

/** A raw TCP server answering every request with `answer` as written. */
async function rawServe(answer: string) {
  const server = createTcpServer((s) => s.once('data', () => s.write(answer)));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  closers.push(() => server.close());
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const MB = 1024 * 1024;

describe('one HTTP/1.1 keep-alive connection', () => {
  it('sends each request on the same socket, counts every body byte, keeps text when asked', async () => {
    const big = Buffer.alloc(5 * MB, 7);
    const { base, sockets } = await serve((req, res, body) => {
      const out =
        req.url === '/big'
          ? big
          : Buffer.from(`${req.method} ${req.url} ${req.headers.authorization} ${body}`);
      res.writeHead(req.method === 'DELETE' ? 204 : 200, {
        'content-length': req.method === 'DELETE' ? 0 : out.length,
      });
      res.end(req.method === 'DELETE' ? undefined : out);
    });
    const conn = new HttpConnection(base);
    const posted = await conn.request({
      method: 'POST',
      path: '/sessions',
      headers: { authorization: 'Bearer t' },
      body: '{"title":"x"}',
      keep: 1000,
      timeoutMs: 5000,
    });
    const echoed = 'POST /sessions Bearer t {"title":"x"}';
    assert.deepEqual(posted, { status: 200, bytes: echoed.length, text: echoed });
    for (let i = 0; i < 3; i++) {
      const got = await conn.request({ path: '/big', timeoutMs: 5000 });
      assert.deepEqual(got, { status: 200, bytes: 5 * MB });
    }
    const kept = await conn.request({ path: '/big', keep: 10, timeoutMs: 5000 });
    assert.deepEqual([kept.bytes, kept.text], [5 * MB, '\x07'.repeat(10)]);
    assert.deepEqual(await conn.request({ method: 'DELETE', path: '/sessions/a', timeoutMs: 5000 }), {
      status: 204,
      bytes: 0,
    });
    assert.equal(sockets.size, 1);
    conn.close();
  });

  it('opens a new socket when the server closed the idle one, and after Connection: close', async () => {
    const { base, sockets } = await serve((req, res) => {
      res
        .writeHead(200, { 'content-length': 2, ...(req.url === '/last' ? { connection: 'close' } : {}) })
        .end('ok');
    });
    const conn = new HttpConnection(base);
    await conn.request({ path: '/a', timeoutMs: 5000 });
    for (const s of sockets) {
      s.destroy(); // as nginx does past keepalive_timeout
    }
    assert.equal((await conn.request({ path: '/b', timeoutMs: 5000 })).status, 200);
    await conn.request({ path: '/last', timeoutMs: 5000 });
    await conn.request({ path: '/c', timeoutMs: 5000 });
    assert.equal(sockets.size, 3);
    conn.close();
  });

  it('refuses what it does not read, naming it', async () => {
    const cases: [string, RegExp][] = [
      [
        'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n',
        /transfer-encoding chunked/,
      ],
      ['HTTP/1.1 200 OK\r\n\r\nno length', /without a Content-Length/],
      ['HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\ntoo long', /past its Content-Length/],
      ['SSH-2.0-OpenSSH\r\n\r\n', /HTTP\/1\.x status line/],
      [`HTTP/1.1 200 OK\r\nx: ${'a'.repeat(20_000)}`, /head is over 16384 bytes/],
    ];
    for (const [answer, reason] of cases) {
      const conn = new HttpConnection(await rawServe(answer));
      await assert.rejects(conn.request({ path: '/x', timeoutMs: 5000 }), (e: Error) => {
        assert.ok(e instanceof HttpConnectionError, e.message);
        assert.match(e.message, reason);
        return true;
      });
      conn.close();
    }
    const conn = new HttpConnection('http://127.0.0.1:9');
    await assert.rejects(conn.request({ path: '/a\r\nx: y', timeoutMs: 1000 }), /not an absolute path/);
    await assert.rejects(
      conn.request({ path: '/a', headers: { x: 'a\nb' }, timeoutMs: 1000 }),
      /control characters/,
    );
  });

  it('fails a request that makes no progress, and one cut mid-answer', async () => {
    const silent = createTcpServer(() => {});
    silent.listen(0, '127.0.0.1');
    await once(silent, 'listening');
    closers.push(() => silent.close());
    const conn = new HttpConnection(`http://127.0.0.1:${(silent.address() as AddressInfo).port}`);
    const started = performance.now();
    await assert.rejects(conn.request({ path: '/slow', timeoutMs: 200 }), /no progress for 200 ms/);
    assert.ok(performance.now() - started < 2000);
    const cut = createTcpServer((s) =>
      s.once('data', () => s.end('HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\nshort')),
    );
    cut.listen(0, '127.0.0.1');
    await once(cut, 'listening');
    closers.push(() => cut.close());
    const c2 = new HttpConnection(`http://127.0.0.1:${(cut.address() as AddressInfo).port}`);
    await assert.rejects(c2.request({ path: '/cut', timeoutMs: 5000 }), /closed the connection mid-answer/);
  });
});
