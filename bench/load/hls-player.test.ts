import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { after, describe, it } from 'node:test';
import { addToTally, emptyTally, type PlayerSpec, playSession } from './hls-player.ts';

const SEGMENT_BYTES = 50_000;

interface Served {
  base: string;
  /** Segment requests: which segment, and when (performance.now()). */
  requests: { uri: string; at: number }[];
  sockets: Set<Socket>;
  closed: string[];
  close: () => Promise<void>;
}

/** As nginx answers: with a Content-Length (the player reads no other kind of body). */
const reply = (res: ServerResponse, status: number, body: string | Buffer) =>
  res.writeHead(status, { 'content-length': Buffer.byteLength(body) }).end(body);

const servers: Served[] = [];
after(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

/**
 * A tiny HLS server: 3 segments of `seconds` (one may answer 404), an optional hold on a segment's
 * first fetch, and sessions at /sessions.
 */
async function serve(o: {
  seconds: number;
  holdMs?: Record<string, number>;
  refuse?: boolean;
  missing?: string;
}): Promise<Served> {
  const playlist = [
    '#EXTM3U',
    '#EXT-X-TARGETDURATION:1',
    ...[0, 1, 2].flatMap((i) => [`#EXTINF:${o.seconds},`, `seg-${i}.ts`]),
    '#EXT-X-ENDLIST',
    '',
  ].join('\n');
  const held = new Set<string>();
  const s: Served = { base: '', requests: [], sockets: new Set(), closed: [], close: async () => {} };
  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const path = req.url ?? '';
    s.sockets.add(req.socket);
    if (req.method === 'POST' && path === '/sessions') {
      const ok = !o.refuse && req.headers.authorization === 'Bearer token-1';
      reply(
        res,
        ok ? 201 : 503,
        JSON.stringify(ok ? { session: 'abc', prefix: '/s/abc/1/sig' } : { error: 'egress-budget' }),
      );
      return;
    }
    if (req.method === 'DELETE') {
      s.closed.push(path);
      res.writeHead(204).end();
      return;
    }
    const segment = /\/(seg-\d\.ts)$/.exec(path)?.[1];
    if (path.endsWith('/t/hls/r/index.m3u8')) {
      reply(res, 200, playlist);
    } else if (segment && segment !== o.missing) {
      s.requests.push({ uri: segment, at: performance.now() });
      const hold = held.has(segment) ? 0 : (o.holdMs?.[segment] ?? 0);
      held.add(segment);
      setTimeout(() => reply(res, 200, Buffer.alloc(SEGMENT_BYTES)), hold);
    } else {
      reply(res, 404, 'not found');
    }
  };
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => handle(req, res));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  s.base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  s.close = async () => {
    server.closeAllConnections();
    server.close();
  };
  servers.push(s);
  return s;
}

const spec = (base: string, over: Partial<PlayerSpec> = {}): PlayerSpec => ({
  base,
  mode: 'plain',
  title: 't',
  playlistPath: 'hls/r/index.m3u8',
  startupSegments: 2,
  aheadSegments: 3,
  segmentsPerSession: 7,
  requestTimeoutMs: 5000,
  ...over,
});

describe('an HLS player session', () => {
  it('plays every segment on time over one connection, looping the title, at a player pace', async () => {
    const server = await serve({ seconds: 0.25 });
    const t0 = performance.now(); // no later than the session's own start
    const r = await playSession(spec(server.base), { startAt: Date.now() });
    assert.deepEqual([r.started, r.segments, r.onTime, r.late, r.failed], [true, 7, 7, 0, 0], r.firstError);
    assert.equal(r.bytes, 7 * SEGMENT_BYTES);
    assert.deepEqual(
      server.requests.map((q) => q.uri),
      ['seg-0.ts', 'seg-1.ts', 'seg-2.ts', 'seg-0.ts', 'seg-1.ts', 'seg-2.ts', 'seg-0.ts'],
    );
    assert.equal(server.sockets.size, 1, 'a player opened more than one connection');
    // Segment k waits until its deadline less the 3-segment buffer: (2 + k - 3) x 250 ms after the start.
    for (const [k, q] of server.requests.entries()) {
      const earliest = (2 + k - 3) * 250;
      const at = q.at - t0;
      assert.ok(at >= earliest - 2, `segment ${k} asked at ${at.toFixed(0)} ms, before ${earliest} ms`);
    }
    // Nor later than the pace needs (the last is due to be asked at 1250 ms; loosely: the machine may be busy).
    const last = (server.requests.at(-1)?.at ?? 0) - t0;
    assert.ok(last < 1250 + 500, `the last segment waited until ${last.toFixed(0)} ms`);
  });

  it('counts a late segment once and moves the later deadlines by the stall, as a player rebuffers', async () => {
    // seg-2 is due 2 s in (startup 2 x 0.5 s, then 2 x 0.5 s of media) and asked for at 0.5 s (the
    // 3-segment buffer); held 2.5 s, it comes about 1 s late. Without the stall moving the later
    // deadlines, the next two would be late too: nothing is buffered when it comes.
    const server = await serve({ seconds: 0.5, holdMs: { 'seg-2.ts': 2500 } });
    const r = await playSession(spec(server.base, { segmentsPerSession: 6 }), { startAt: Date.now() });
    assert.deepEqual([r.segments, r.onTime, r.late, r.lateFilling, r.failed], [6, 5, 1, 1, 0], r.firstError);
    assert.ok(r.stallMs >= 700 && r.stallMs < 1500, `stalled ${r.stallMs} ms`);
    assert.equal(r.maxLateMs, r.stallMs);
  });

  it('opens an edge session with its token, plays under its prefix and closes it', async () => {
    const server = await serve({ seconds: 0.1 });
    const r = await playSession(spec(server.base, { mode: 'edge', segmentsPerSession: 3 }), {
      startAt: Date.now(),
      token: 'token-1',
    });
    assert.deepEqual([r.started, r.onTime], [true, 3], r.firstError);
    assert.deepEqual(server.closed, ['/sessions/abc']);
    const refused = await playSession(
      spec((await serve({ seconds: 0.1, refuse: true })).base, { mode: 'edge' }),
      {
        startAt: Date.now(),
        token: 'token-1',
      },
    );
    assert.deepEqual([refused.started, refused.refusedStatus, refused.onTime], [false, 503, 0]);
    const tally = [r, refused].reduce(addToTally, emptyTally());
    assert.deepEqual([tally.sessions, tally.started, tally.refused, tally.onTime], [2, 1, { 503: 1 }, 3]);
  });

  it('counts a segment that fails as failed and plays on; a missing playlist ends the session', async () => {
    const server = await serve({ seconds: 0.1, missing: 'seg-1.ts' });
    const r = await playSession(spec(server.base, { segmentsPerSession: 3 }), { startAt: Date.now() });
    assert.deepEqual([r.segments, r.onTime, r.failed, r.bytes], [3, 2, 1, 2 * SEGMENT_BYTES]);
    assert.match(r.firstError ?? '', /seg-1\.ts: HTTP 404/);
    const broken = await playSession(spec(server.base, { title: 'nope' }), { startAt: Date.now() });
    assert.deepEqual([broken.started, broken.segments], [false, 0]);
    assert.match(broken.firstError ?? '', /HTTP 404/);
  });
});
