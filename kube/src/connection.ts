/**
 * What every request of a connection goes through. client-node calls a KubeConfig to
 * authenticate each request and to configure its agent, so that is where a connection's policy
 * lives:
 * - One pool of keep-alive connections. client-node 2.0.1 builds a new HTTP agent for every
 *   request, so every call would open a new TLS connection (a full handshake with a client
 *   certificate) and leave it open: at fleet scale that halves the apply rate and piles up
 *   sockets. The first agent is kept and reused. Credentials here are static certificates or
 *   tokens from the kubeconfig, so one agent per KubeConfig is right; in a pod, the service
 *   account's token (re-read as kubelet rotates it) travels in a header, not in the agent.
 * - HTTP/1.1, not HTTP/2. Over HTTP/2 every call shares one connection and a call cut by its
 *   timeout only resets its own stream, so on a connection that died without closing (a stalled
 *   proxy, a black-holed path) every later call times out in turn, for a minute or two until
 *   undici's PING check drops it. Worse, Node 24's HTTP/2 session was seen here spinning in
 *   nghttp2 (SendPendingData) on such a connection, the event loop blocked and memory growing
 *   by gigabytes until the kernel killed the process. Over HTTP/1.1 a cut call closes its own
 *   socket and the next call takes another.
 * - A deadline on every call but a watch (request-timeout.ts).
 * - An optional guard (leader-fence.ts refuses a deposed leader's writes).
 */
import {
  type Cluster,
  type DispatcherOptions,
  KubeConfig,
  type RequestContext,
} from '@kubernetes/client-node';
import { bound, isWatch } from './request-timeout.ts';

/** The dispatcher a connection's requests share. */
interface Pool {
  dispatcher?: ReturnType<RequestContext['getDispatcher']>;
}

/**
 * Runs before every request a connection sends, watches aside. It refuses the request by
 * throwing (nothing is sent), or returns a signal that ends the request when it aborts.
 */
export type RequestGuard = (request: { method: string; path: string }) => AbortSignal | undefined;

export interface ConnectionSettings {
  pool: Pool;
  requestTimeoutMs: number;
  guard?: RequestGuard;
}

type AgentOptions = Parameters<KubeConfig['createDispatcherOptions']>[1];

export class PooledKubeConfig extends KubeConfig {
  readonly settings: ConnectionSettings;

  constructor(settings: ConnectionSettings) {
    super();
    this.settings = settings;
  }

  override async applySecurityAuthentication(context: RequestContext): Promise<void> {
    const { pool, requestTimeoutMs, guard } = this.settings;
    const watch = isWatch(context);
    const also = watch
      ? undefined
      : guard?.({ method: String(context.getHttpMethod()), path: new URL(context.getUrl()).pathname });
    await super.applySecurityAuthentication(context);
    const made = context.getDispatcher();
    if (made) {
      pool.dispatcher ??= made;
      context.setDispatcher(pool.dispatcher);
    }
    if (!watch) {
      bound(context, requestTimeoutMs, also);
    }
  }

  /** client-node's agent options, offering only HTTP/1.1 (see the header). */
  override createDispatcherOptions(cluster: Cluster | null, agentOptions: AgentOptions): DispatcherOptions {
    const options = super.createDispatcherOptions(cluster, agentOptions);
    return options.type === 'agent'
      ? { ...options, connect: { ...options.connect, allowH2: false } as typeof options.connect }
      : options;
  }
}
