/**
 * Addresses on a site node's bridge that its pods can reach, standing in for what a real site
 * reaches over its network and its Services. This machine's nodes run no kube-proxy (two nodes
 * would share, and rewrite, the host's iptables) and no cluster DNS, so a pod cannot reach a
 * ClusterIP; and the hub's own services (the origin, the license service) listen on loopback,
 * which a pod cannot reach either. A relay listens on the node's gateway (the bridge's address on
 * this machine) and pipes each connection to its target: a fixed address, or one ready endpoint
 * of a Service in the node's cluster, looked up per connection (so a restarted pod's new address
 * is found). Bounded: at most `maxConnections` at once, a deadline to connect to the target.
 */
import { createServer, type Server, type Socket, connect as tcpConnect } from 'node:net';
import type { KubeClient, Logger } from '@smart-fleet/kube';
import { withTimeout } from '@smart-fleet/kube';

export interface RelayTarget {
  host: string;
  port: number;
}

export interface NodeRelay {
  /** http://gateway:port */
  readonly url: string;
  readonly port: number;
  stop(): Promise<void>;
}

const CONNECT_TIMEOUT_MS = 5000;
const DEFAULT_MAX_CONNECTIONS = 256;

export async function startNodeRelay(o: {
  /** The node's gateway address. */
  host: string;
  /** 0 (default): a free port. */
  port?: number;
  /** Where this connection goes; undefined refuses it (nothing to relay to yet). */
  target: () => Promise<RelayTarget | undefined>;
  /** Names the relay in logs. */
  name: string;
  maxConnections?: number;
  log: Logger;
}): Promise<NodeRelay> {
  const open = new Set<Socket>();
  let refusing = false;
  const server: Server = createServer((client) => {
    open.add(client);
    client.once('close', () => open.delete(client));
    client.on('error', () => client.destroy());
    void o.target().then(
      (target) => {
        if (!target) {
          if (!refusing) {
            o.log.error('relay has nowhere to send a connection yet', { relay: o.name });
            refusing = true;
          }
          client.destroy();
          return;
        }
        refusing = false;
        const upstream = tcpConnect({ host: target.host, port: target.port, timeout: CONNECT_TIMEOUT_MS });
        upstream.once('connect', () => upstream.setTimeout(0));
        upstream.once('timeout', () => upstream.destroy());
        upstream.on('error', () => client.destroy());
        upstream.once('close', () => client.destroy());
        client.once('close', () => upstream.destroy());
        client.pipe(upstream).pipe(client);
      },
      () => client.destroy(),
    );
  });
  server.maxConnections = o.maxConnections ?? DEFAULT_MAX_CONNECTIONS;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port ?? 0, o.host, () => resolve());
  });
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://${o.host}:${port}`,
    port,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const socket of open) {
          socket.destroy();
        }
        server.close(() => resolve());
      }),
  };
}

/** A fixed target: a service of this machine on loopback. */
export const fixedTarget =
  (url: URL | string): (() => Promise<RelayTarget>) =>
  async () => {
    const u = new URL(url);
    return { host: u.hostname, port: Number(u.port || 80) };
  };

/** One ready endpoint of `service` in the node's cluster, on its port named `portName` ('' for an unnamed one). */
export function serviceTarget(
  client: KubeClient,
  namespace: string,
  service: string,
  portName: string,
): () => Promise<RelayTarget | undefined> {
  let turn = 0;
  return async () => {
    // Listed by name rather than read: kube-proxy's role (the service proxy's) may list, not get.
    const listed = await client.core
      .listNamespacedEndpoints(
        { namespace, fieldSelector: `metadata.name=${service}` },
        withTimeout(CONNECT_TIMEOUT_MS),
      )
      .catch(() => undefined);
    const targets = (listed?.items[0]?.subsets ?? []).flatMap((subset) => {
      const port = subset.ports?.find((p) => (p.name ?? '') === portName)?.port;
      return port === undefined ? [] : (subset.addresses ?? []).map((a) => ({ host: a.ip, port }));
    });
    turn = (turn + 1) % Math.max(1, targets.length);
    return targets[turn];
  };
}
