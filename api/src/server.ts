/**
 * The API server: graphql-yoga over the fleet schema, on node:http. Starts the informer-fed
 * view and the partner key store, and serves /graphql (queries, mutations; subscriptions over
 * Server-Sent Events; GraphiQL for a browser), /health and /readyz.
 */
import { createServer, type Server } from 'node:http';
import type { KubeClient } from '@smart-fleet/kube';
import { LOOPBACK, type Logger, localUrlHost, silentLogger } from '@smart-fleet/kube';
import { DEFAULT_NAMESPACE } from '@smart-fleet/model';
import { ApiKeyStore } from './auth/api-keys.ts';
import type { OidcConfig } from './auth/staff-tokens.ts';
import { noSeries, operatorsSeriesSource } from './telemetry/series-source.ts';
import { FleetView } from './view/fleet-view.ts';
import { HubWrites } from './writes/hub-writes.ts';
import { createFleetYoga, GRAPHQL_PATH, type RateLimitSettings } from './yoga-app.ts';

export { DEFAULT_RATE_LIMITS, GRAPHQL_PATH } from './yoga-app.ts';

export interface ApiServerOptions {
  client: KubeClient;
  /** Staff tokens: the OIDC issuer and audience to trust. */
  oidc: OidcConfig;
  /** Watch one namespace only (tests); every namespace when absent. */
  namespace?: string;
  /** Where partner API keys are kept; default smart-fleet. */
  keysNamespace?: string;
  port?: number;
  /** Loopback unless told otherwise (in a cluster: 0.0.0.0 behind the Service). */
  host?: string;
  /** The operators' metrics/read endpoint, for per-site telemetry series. */
  operatorsUrl?: string;
  rateLimits?: RateLimitSettings;
  /** Proxies (addresses or CIDR ranges) whose X-Forwarded-For names the client; none by default. */
  trustedProxies?: readonly string[];
  /** Persisted-operation allow-list (sha256 -> document): partners may run only these. */
  partnerOperations?: Readonly<Record<string, string>>;
  /** Repeat answers while nothing changed; default on. */
  responseCache?: boolean;
  seriesIntervalMs?: number;
  log?: Logger;
}

export interface ApiServer {
  url: string;
  view: FleetView;
  apiKeys: ApiKeyStore;
  stop(): Promise<void>;
}

export async function startApiServer(options: ApiServerOptions): Promise<ApiServer> {
  const log = options.log ?? silentLogger;
  const view = new FleetView(options.client, {
    namespace: options.namespace,
    seriesIntervalMs: options.seriesIntervalMs,
  });
  const apiKeys = new ApiKeyStore(options.client, options.keysNamespace ?? DEFAULT_NAMESPACE);
  await Promise.all([view.start(), apiKeys.start()]);
  const yoga = createFleetYoga({
    view,
    apiKeys,
    writes: new HubWrites(options.client, view),
    oidc: options.oidc,
    series: options.operatorsUrl ? operatorsSeriesSource(options.operatorsUrl) : noSeries,
    rateLimits: options.rateLimits,
    trustedProxies: options.trustedProxies,
    partnerOperations: options.partnerOperations,
    responseCache: options.responseCache,
    log,
  });
  const server: Server = createServer(yoga);
  // Longer than clients' and proxies' idle timeouts, so the server is never the one closing a
  // kept-alive connection just as a request goes out on it (the client would see ECONNRESET).
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? LOOPBACK, () => {
      server.off('error', reject);
      resolve();
    });
  }).catch(async (error: unknown) => {
    await Promise.all([view.stop(), apiKeys.stop()]); // nothing left running when the port is taken
    throw error;
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const url = `http://${localUrlHost(options.host ?? LOOPBACK)}:${port}${GRAPHQL_PATH}`;
  log.info('api started', { url });
  return {
    url,
    view,
    apiKeys,
    async stop() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await Promise.all([view.stop(), apiKeys.stop()]);
    },
  };
}
