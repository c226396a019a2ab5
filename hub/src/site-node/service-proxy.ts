/**
 * A site node's stand-in for kube-proxy, in user space: every ClusterIP Service of the node's
 * cluster answers at its IP and ports, for the node's pods and for this machine. kube-proxy would
 * rewrite the host's iptables, which every node on this machine shares, so two would undo each
 * other's rules. Instead each node has a Service range of its own (node-configs.ts); this proxy
 * puts each Service IP on the node's bridge and relays its ports (node-relay.ts) to a ready
 * endpoint, found per connection. The `kubernetes` Service goes to the API server on loopback: its
 * endpoints are not written here (an address on loopback cannot be one), and in-cluster clients
 * (the site agent) find the API server by that Service's IP.
 *
 * Services are listed every few seconds rather than watched (nothing to re-establish), and the
 * relays are bounded: at most MAX_SERVICE_PORTS, the rest refused by name in the log.
 */
import { spawnSync } from 'node:child_process';
import type { V1Service } from '@kubernetes/client-node';
import { type KubeClient, type Logger, withTimeout } from '@smart-fleet/kube';
import {
  fixedTarget,
  type NodeRelay,
  type RelayTarget,
  serviceTarget,
  startNodeRelay,
} from './node-relay.ts';

export const API_SERVICE = { namespace: 'default', name: 'kubernetes' } as const;
/** A node's Service range is a /24: more than its Services can use. */
export const MAX_SERVICE_PORTS = 256;
const DEFAULT_RESYNC_MS = 2000;
const LIST_TIMEOUT_MS = 10000;
const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

export interface ServicePort {
  namespace: string;
  name: string;
  ip: string;
  port: number;
  /** The Service port's name ('' when it has one port, unnamed): how its endpoints name it. */
  portName: string;
}

/** The TCP ports of the ClusterIP Services listed, one entry per IP and port. */
export function servicePorts(services: readonly V1Service[]): ServicePort[] {
  return services.flatMap((service) => {
    const ip = service.spec?.clusterIP ?? '';
    if (!IPV4.test(ip)) {
      return []; // headless ("None"), or not allocated yet
    }
    return (service.spec?.ports ?? [])
      .filter((p) => (p.protocol ?? 'TCP') === 'TCP')
      .map((p) => ({
        namespace: service.metadata?.namespace ?? '',
        name: service.metadata?.name ?? '',
        ip,
        port: p.port,
        portName: p.name ?? '',
      }));
  });
}

const keyOf = (p: ServicePort) => `${p.ip}:${p.port}`;

export interface ServiceProxy {
  /** One pass: relays for new Service ports, none for gone ones. */
  sync(): Promise<void>;
  /** The Service ports relayed now, as `ip:port`. */
  relayed(): string[];
  stop(): Promise<void>;
}

export async function startServiceProxy(o: {
  client: KubeClient;
  /** The node's bridge, where the Service IPs are put. */
  bridge: string;
  /** Where the `kubernetes` Service goes: the API server's loopback address. */
  apiServer: RelayTarget;
  log: Logger;
  resyncMs?: number;
}): Promise<ServiceProxy> {
  const relays = new Map<string, { port: ServicePort; relay: NodeRelay }>();
  /** Whether a relay listens on `address`: the bridge holds it exactly then. */
  const inUse = (address: string) => [...relays.values()].some((r) => r.port.ip === address);
  let refusedOverCap = false;

  const ip = (action: 'add' | 'del', address: string): boolean => {
    const result = spawnSync('ip', ['addr', action, `${address}/32`, 'dev', o.bridge], { encoding: 'utf8' });
    // Adding one already there (a restarted proxy) is no failure.
    return result.status === 0 || (action === 'add' && /File exists/.test(result.stderr));
  };

  const open = async (port: ServicePort) => {
    if (!inUse(port.ip) && !ip('add', port.ip)) {
      throw new Error(`cannot put ${port.ip} on ${o.bridge} (ip addr add needs root)`);
    }
    const isApi = port.namespace === API_SERVICE.namespace && port.name === API_SERVICE.name;
    const relay = await startNodeRelay({
      host: port.ip,
      port: port.port,
      name: `service ${port.namespace}/${port.name}:${port.port}`,
      target: isApi
        ? fixedTarget(`https://${o.apiServer.host}:${o.apiServer.port}`)
        : serviceTarget(o.client, port.namespace, port.name, port.portName),
      log: o.log,
    });
    relays.set(keyOf(port), { port, relay });
    o.log.info('relaying a service', { service: `${port.namespace}/${port.name}`, address: keyOf(port) });
  };

  const close = async (key: string) => {
    const entry = relays.get(key);
    relays.delete(key);
    await entry?.relay.stop();
    const address = entry?.port.ip;
    if (address && !inUse(address)) {
      ip('del', address);
    }
  };

  /** Closes the relays whose Service port is gone, or is now another Service's or port's. */
  const closeGone = async (wanted: ReadonlyMap<string, ServicePort>) => {
    for (const [key, { port }] of relays) {
      const still = wanted.get(key);
      if (
        !still ||
        `${still.namespace}/${still.name}/${still.portName}` !==
          `${port.namespace}/${port.name}/${port.portName}`
      ) {
        await close(key);
      }
    }
  };

  const sync = async () => {
    const listed = await o.client.core.listServiceForAllNamespaces({}, withTimeout(LIST_TIMEOUT_MS));
    const wanted = new Map(servicePorts(listed.items).map((p) => [keyOf(p), p]));
    await closeGone(wanted);
    const fresh = [...wanted].filter(([key]) => !relays.has(key)).map(([, port]) => port);
    const over = relays.size + fresh.length - MAX_SERVICE_PORTS;
    if (over > 0 && !refusedOverCap) {
      o.log.error('too many service ports to relay; the rest are not reachable', {
        max: MAX_SERVICE_PORTS,
        over,
      });
    }
    refusedOverCap = over > 0;
    for (const port of fresh.slice(0, Math.max(0, MAX_SERVICE_PORTS - relays.size))) {
      await open(port).catch((error: Error) =>
        o.log.error('cannot relay a service', {
          service: `${port.namespace}/${port.name}`,
          error: error.message,
        }),
      );
    }
  };

  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let pass: Promise<void> = Promise.resolve();
  const loop = () => {
    pass = sync()
      .catch((error: Error) => o.log.error('cannot list the services', { error: error.message }))
      .finally(() => {
        if (!stopped) {
          timer = setTimeout(loop, o.resyncMs ?? DEFAULT_RESYNC_MS);
        }
      });
  };
  await sync();
  timer = setTimeout(loop, o.resyncMs ?? DEFAULT_RESYNC_MS);
  return {
    sync: () => (pass = pass.then(sync)),
    relayed: () => [...relays.keys()].sort(),
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      await pass.catch(() => undefined);
      for (const key of [...relays.keys()]) {
        await close(key);
      }
    },
  };
}
