import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, describe, it } from 'node:test';
import { formatResult, generateLoad, graphqlCheck, runLoad } from './open-loop.ts';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

interface TestServer {
  url: string;
  /** Requests the server has received. */
  hits: () => number;
  close: () => Promise<void>;
}

const servers: TestServer[] = [];
after(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

/** A server on a free loopback port; the handler runs once the request body has been read. */
async function serve(handler: Handler): Promise<TestServer> {
  let hits = 0;
  const server = createServer((req, res) => {
    hits++;
    req.resume();
    req.on('end', () => handler(req, res));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  const s: TestServer = {
    url: `http://127.0.0.1:${port}/graphql`,
    hits: () => hits,
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, 'close').catch(() => {});
    },
  };
  servers.push(s);
  return s;
}

const answer = (res: ServerResponse, status: number, body: string) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(body);
};

const ok: Handler = (_req, res) => answer(res, 200, '{"data":{}}');
const QUERY = JSON.stringify({ query: '{ __typename }' });

describe('generateLoad (in process)', () => {
  it('offers the fixed rate and completes every request against a fast server', async () => {
    const server = await serve(ok);
    const r = await generateLoad({
      url: server.url,
      body: QUERY,
      ratePerSecond: 200,
      durationSeconds: 2,
      warmupSeconds: 0.5,
    });
    assert.equal(r.offeredRate, 200);
    assert.equal(r.sent, 400);
    // Every measured request is answered (a loopback server never fails), however busy the
    // machine: rates and latencies vary with load, so they are the benchmarks' to report.
    assert.equal(r.errors, 0, r.firstError);
    assert.equal(r.completed, 400);
    // Open loop: sends follow the schedule, so nothing completes faster than it was offered.
    assert.ok(r.achievedRate > 0 && r.achievedRate <= 200 * 1.05, `achievedRate ${r.achievedRate}`);
    assert.equal(r.firstError, undefined);
    // warmup (100) + measured (400), and not one more: the total is bounded
    assert.equal(server.hits(), 500);
    const l = r.latencyMs;
    assert.ok(l.p50 > 0 && l.p50 <= l.p90 && l.p90 <= l.p99 && l.p99 <= l.max, JSON.stringify(l));
    assert.ok(l.mean > 0 && l.mean <= l.max);
  });

  it('sends several bodies in turn, each with its own length', async () => {
    const received: string[] = [];
    const server = createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (chunk: string) => {
        body += chunk;
      });
      req.on('end', () => {
        received.push(body);
        ok(req, res);
      });
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    const bodies = ['{"query":"{ a }"}', '{"query":"{ a b c d e f }"}', '{"query":"{ b }"}'];
    try {
      const r = await generateLoad({
        url: `http://127.0.0.1:${port}/graphql`,
        bodies,
        ratePerSecond: 100,
        durationSeconds: 0.3,
        warmupSeconds: 0,
      });
      assert.equal(r.errors, 0, r.firstError);
      assert.equal(received.length, 30);
      const counts = bodies.map((b) => received.filter((x) => x === b).length);
      assert.deepEqual(counts, [10, 10, 10], 'every body whole, and each a third of the time');
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  it('refuses an empty list of bodies', async () => {
    await assert.rejects(
      generateLoad({ url: 'http://127.0.0.1:9/graphql', bodies: [], ratePerSecond: 1, durationSeconds: 1 }),
      /bodies must hold at least one body/,
    );
  });

  it('measures the server delay: p50 >= 50 ms against a server that delays 50 ms', async () => {
    const server = await serve((req, res) => {
      setTimeout(() => ok(req, res), 50);
    });
    const r = await generateLoad({
      url: server.url,
      body: QUERY,
      ratePerSecond: 100,
      durationSeconds: 1,
      warmupSeconds: 0.2,
    });
    assert.equal(r.errors, 0, r.firstError);
    assert.equal(r.completed, 100);
    assert.ok(r.latencyMs.p50 >= 50, `p50 ${r.latencyMs.p50}`);
    assert.ok(r.latencyMs.p50 < 1000, `p50 ${r.latencyMs.p50}`);
  });

  it('counts latency from the scheduled time, so a server stall shows in the tail', async () => {
    // Hold every request that arrives during a 300 ms stall, starting at the 50th request.
    // An open-loop client keeps sending on schedule, so every request scheduled during the
    // stall records the wait (with connections: 2, most of it queued for a socket). A closed-
    // loop client would have sent only two requests in the stall and seen one slow answer each.
    let seen = 0;
    let stallUntil = 0;
    const server = await serve((req, res) => {
      seen++;
      if (seen === 50) {
        stallUntil = performance.now() + 300;
      }
      const wait = stallUntil - performance.now();
      if (wait > 0) {
        setTimeout(() => ok(req, res), wait);
      } else {
        ok(req, res);
      }
    });
    const r = await generateLoad({
      url: server.url,
      ratePerSecond: 200,
      durationSeconds: 1,
      warmupSeconds: 0,
      connections: 2,
    });
    assert.equal(r.errors, 0, r.firstError);
    assert.equal(r.completed, 200);
    // ~60 requests fall in the stall with latencies spread over 0-300 ms: the top 10% of 200
    // all waited at least ~200 ms.
    assert.ok(r.latencyMs.max >= 250, `max ${r.latencyMs.max}`);
    assert.ok(r.latencyMs.p90 >= 100, `p90 ${r.latencyMs.p90}`);
    assert.ok(r.latencyMs.p50 < r.latencyMs.p90);
  });

  it('counts GraphQL errors in a 200 body and keeps the first message', async () => {
    const server = await serve((_req, res) => answer(res, 200, '{"errors":[{"message":"boom"}]}'));
    const r = await generateLoad({
      url: server.url,
      body: QUERY,
      ratePerSecond: 100,
      durationSeconds: 0.5,
      warmupSeconds: 0.1,
    });
    assert.equal(r.sent, 50);
    assert.equal(r.errors, 50);
    assert.equal(r.completed, 0);
    assert.equal(r.achievedRate, 0);
    assert.match(r.firstError ?? '', /boom/);
    assert.match(
      formatResult('errors', r),
      /^errors: 100 req\/s offered, 0\.0 done, .*50 errors \(first: .*boom/,
    );
  });

  it('counts non-2xx answers and timeouts as errors, and stops by the deadline', async () => {
    const failing = await serve((_req, res) => answer(res, 503, 'overloaded'));
    const r503 = await generateLoad({
      url: failing.url,
      ratePerSecond: 100,
      durationSeconds: 0.2,
      warmupSeconds: 0,
    });
    assert.equal(r503.errors, 20);
    assert.match(r503.firstError ?? '', /HTTP 503: overloaded/);

    const silent = await serve(() => {}); // never answers
    const started = performance.now();
    const rSilent = await generateLoad({
      url: silent.url,
      ratePerSecond: 50,
      durationSeconds: 0.2,
      warmupSeconds: 0,
      timeoutMs: 200,
    });
    assert.equal(rSilent.sent, 10);
    assert.equal(rSilent.errors, 10);
    assert.equal(rSilent.completed, 0);
    assert.match(rSilent.firstError ?? '', /timeout/);
    assert.ok(performance.now() - started < 3000, 'timed-out requests do not hold the run');
  });

  it('refuses targets outside 127.0.0.0/8 and nonsense specs', async () => {
    const base = { ratePerSecond: 10, durationSeconds: 1 };
    await assert.rejects(generateLoad({ ...base, url: 'http://10.0.0.1:4000/graphql' }), /loopback/);
    await assert.rejects(generateLoad({ ...base, url: 'http://example.com/graphql' }), /loopback/);
    await assert.rejects(generateLoad({ ...base, url: 'https://127.0.0.1/graphql' }), /http:/);
    await assert.rejects(
      generateLoad({ ...base, url: 'http://127.0.0.1/', ratePerSecond: 0 }),
      /ratePerSecond/,
    );
  });
});

describe('graphqlCheck', () => {
  it('passes data, fails non-2xx and non-empty errors', () => {
    assert.equal(graphqlCheck(200, '{"data":{}}'), undefined);
    assert.equal(graphqlCheck(200, '{"data":{},"errors":[]}'), undefined);
    assert.equal(graphqlCheck(204, ''), undefined);
    assert.match(graphqlCheck(200, '{"errors":[{"message":"nope"}]}') ?? '', /nope/);
    assert.match(graphqlCheck(500, 'x') ?? '', /HTTP 500/);
  });
});

describe('runLoad (child process)', () => {
  it('runs the worker end to end and returns its result', async () => {
    const server = await serve(ok);
    const r = await runLoad({
      url: server.url,
      body: QUERY,
      headers: { 'x-bench': '1' },
      ratePerSecond: 100,
      durationSeconds: 1,
      warmupSeconds: 0.2,
    });
    assert.equal(r.sent, 100);
    assert.equal(r.completed, 100);
    assert.equal(r.errors, 0, r.firstError);
    assert.ok(r.achievedRate > 0 && r.achievedRate <= 100 * 1.05, `achievedRate ${r.achievedRate}`);
    assert.equal(server.hits(), 120);
    assert.match(
      formatResult('child', r),
      /^child: 100 req\/s offered, \d+\.\d done, p50 \d+\.\d ms, .*0 errors$/,
    );
  });

  it('reports socket errors from the child as results, not failures', async () => {
    // Port 1 on loopback: nothing listens, so every request is refused.
    const r = await runLoad({
      url: 'http://127.0.0.1:1/',
      ratePerSecond: 20,
      durationSeconds: 0.1,
      warmupSeconds: 0,
    });
    assert.equal(r.sent, 2);
    assert.equal(r.errors, 2);
    assert.match(r.firstError ?? '', /ECONNREFUSED/);
  });

  it('rejects with the worker stderr when the worker fails', async () => {
    // The worker refuses a non-loopback target and exits 1; its reason must reach the caller.
    await assert.rejects(
      runLoad({ url: 'http://192.168.1.1/graphql', ratePerSecond: 10, durationSeconds: 1 }),
      /load worker exited 1: load worker: Error: load spec: url must target a loopback address/,
    );
  });
});
