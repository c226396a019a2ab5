import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { describe, it } from 'node:test';
import { freePort, portInUse } from './ports.ts';

describe('loopback ports', () => {
  it('never hands the same port out twice in one process', async () => {
    const ports: number[] = [];
    for (let i = 0; i < 200; i++) {
      ports.push(await freePort());
    }
    assert.equal(new Set(ports).size, ports.length);
  });

  it('says a port is in use while something listens on it, and free after', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    assert.ok(address && typeof address === 'object');
    assert.equal(await portInUse(address.port), true);
    await new Promise<void>((resolve) => server.close(() => resolve()));
    assert.equal(await portInUse(address.port), false);
  });
});
