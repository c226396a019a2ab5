/**
 * The node relay on loopback: it pipes a connection both ways to the target it is given at that
 * moment, closes one it has nowhere to send, and holds no more connections than its bound.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { after, describe, it } from 'node:test';
import { silentLogger } from '@smart-fleet/kube';
import { type NodeRelay, type RelayTarget, startNodeRelay } from './node-relay.ts';

async function echoServer(): Promise<{ server: Server; port: number }> {
  const server = createServer((socket) => socket.pipe(socket));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, port: (server.address() as { port: number }).port };
}

/** Sends `text`, returns what comes back before the relay or the target closes, or after `ms`. */
async function roundTrip(port: number, text: string, ms = 2000): Promise<string> {
  const socket: Socket = connect(port, '127.0.0.1');
  const received: Buffer[] = [];
  socket.on('data', (d: Buffer) => {
    received.push(d);
    if (Buffer.concat(received).length >= text.length) {
      socket.end();
    }
  });
  socket.on('error', () => {});
  socket.write(text);
  await Promise.race([once(socket, 'close'), new Promise((r) => setTimeout(r, ms))]);
  socket.destroy();
  return Buffer.concat(received).toString();
}

describe('startNodeRelay', () => {
  const closing: { stop(): Promise<void> }[] = [];
  after(async () => {
    await Promise.all(closing.map((c) => c.stop()));
  });

  it('pipes to the target of the moment, and closes a connection with nowhere to go', async () => {
    const echo = await echoServer();
    closing.push({ stop: () => new Promise((r) => echo.server.close(() => r())) });
    let target: RelayTarget | undefined = { host: '127.0.0.1', port: echo.port };
    const relay: NodeRelay = await startNodeRelay({
      host: '127.0.0.1',
      name: 'test',
      target: async () => target,
      log: silentLogger,
    });
    closing.push(relay);
    assert.match(relay.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(await roundTrip(relay.port, 'hello through the bridge'), 'hello through the bridge');
    target = undefined;
    assert.equal(await roundTrip(relay.port, 'lost'), '', 'refused, not held open');
  });

  it('holds no more connections at once than its bound', async () => {
    const echo = await echoServer();
    closing.push({ stop: () => new Promise((r) => echo.server.close(() => r())) });
    const relay = await startNodeRelay({
      host: '127.0.0.1',
      name: 'bounded',
      target: async () => ({ host: '127.0.0.1', port: echo.port }),
      maxConnections: 2,
      log: silentLogger,
    });
    closing.push(relay);
    const held = [connect(relay.port, '127.0.0.1'), connect(relay.port, '127.0.0.1')];
    // Each answers through the relay: both are held by it, not just queued by the kernel.
    await Promise.all(
      held.map(async (s) => {
        s.write('ping');
        await once(s, 'data');
      }),
    );
    assert.equal(await roundTrip(relay.port, 'third'), '', 'a third is closed at once');
    for (const s of held) {
      s.destroy();
    }
  });
});
