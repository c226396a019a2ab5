/** Loopback port checks: refuse a port in use with a clear message; find free ones for tests. */
import { createServer } from 'node:net';

export function portInUse(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(true));
    server.listen(port, host, () => server.close(() => resolve(false)));
  });
}

function kernelFreePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

// Ports this process has already handed out. The kernel may give the same ephemeral port to two
// consecutive binds once the first is closed (seen: etcd's client and peer ports both 37473, so
// etcd failed to bind its own second listener); a caller asking twice wants two ports.
const handedOut = new Set<number>();
const MAX_TRIES = 32;

/** A port the kernel says is free right now on loopback, never one this process was given before. */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  for (let i = 0; i < MAX_TRIES; i++) {
    const port = await kernelFreePort(host);
    if (!handedOut.has(port)) {
      handedOut.add(port);
      return port;
    }
  }
  throw new Error(`no loopback port on ${host} this process has not already used, after ${MAX_TRIES} tries`);
}
