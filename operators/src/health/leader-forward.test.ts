import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { FORWARDED_HEADER, relayToLeader } from './leader-forward.ts';

describe('relaying an agent call to the leader', () => {
  let leader: Server;
  let silent: Server;
  let seen: { method?: string; url?: string; headers: IncomingHttpHeaders; body: string }[] = [];
  const urlOf = (s: Server) => `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
  const listen = (s: Server) => new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));

  before(async () => {
    leader = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        seen.push({
          method: req.method,
          url: req.url,
          headers: req.headers,
          body: Buffer.concat(chunks).toString(),
        });
        res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":"wrong agent token"}');
      });
    });
    silent = createServer(() => {}); // accepts and never answers
    await Promise.all([listen(leader), listen(silent)]);
  });
  after(() => {
    leader.close();
    silent.closeAllConnections();
    silent.close();
  });

  const call = {
    method: 'POST',
    path: '/v1/heartbeat',
    headers: { authorization: 'Bearer t0k', 'content-type': 'application/json', cookie: 'x=1' },
    body: Buffer.from('{"site":"a"}'),
  };

  it("returns the leader's answer as it is, having passed the call, the credential and the relay mark", async () => {
    seen = [];
    const answer = await relayToLeader({ leading: () => false, leaderUrl: () => urlOf(leader) }, call);
    assert.deepEqual(answer, {
      status: 401,
      body: '{"error":"wrong agent token"}',
      type: 'application/json',
    });
    assert.equal(seen.length, 1);
    assert.equal(seen[0]?.method, 'POST');
    assert.equal(seen[0]?.url, '/v1/heartbeat');
    assert.equal(seen[0]?.body, '{"site":"a"}');
    assert.equal(seen[0]?.headers.authorization, 'Bearer t0k');
    assert.equal(seen[0]?.headers[FORWARDED_HEADER], '1');
    assert.equal(seen[0]?.headers.cookie, undefined, 'headers beyond the credential were relayed');
  });

  it('never relays a relayed call again: 503, and the leader is not asked', async () => {
    seen = [];
    const answer = await relayToLeader(
      { leading: () => false, leaderUrl: () => urlOf(leader) },
      { ...call, headers: { ...call.headers, [FORWARDED_HEADER]: '1' } },
    );
    assert.equal(answer.status, 503);
    assert.equal(seen.length, 0);
  });

  it('answers 503 when no leader is known', async () => {
    const answer = await relayToLeader({ leading: () => false, leaderUrl: () => undefined }, call);
    assert.equal(answer.status, 503);
    assert.match(answer.body, /no leader/);
  });

  it('answers 503 within its timeout when the leader does not answer', async () => {
    const started = Date.now();
    const answer = await relayToLeader(
      { leading: () => false, leaderUrl: () => urlOf(silent), timeoutMs: 300 },
      call,
    );
    assert.equal(answer.status, 503);
    assert.ok(Date.now() - started < 2000, `took ${Date.now() - started} ms`);
  });
});
