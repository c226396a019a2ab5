/**
 * The API server: graphql-yoga over the fleet schema, on node:http. Starts the informer-fed
 * view and the partner key store, and serves /graphql (queries, mutations; subscriptions over
 * Server-Sent Events; GraphiQL for a browser), /health and /readyz.
 */
import { createServer, type Server } from 'node:http';
import type { HubClient } from '@smart-fleet/hub';
import { DEFAULT_NAMESPACE } from '@smart-fleet/model';
import { type Logger, silentLogger } from '@smart-fleet/operators';
import DataLoader from 'dataloader';
import { createYoga, useReadinessCheck } from 'graphql-yoga';
import { ApiKeyStore } from './auth/api-keys.ts';
import type { Principal } from './auth/principal.ts';
import { RateLimiter } from './auth/rate-limit.ts';
import { type OidcConfig, staffTokenVerifier } from './auth/staff-tokens.ts';
import type { ApiContext } from './context.ts';
import { schema } from './schema/index.ts';
import { MAX_SITES_PER_CALL, noSeries, operatorsSeriesSource } from './telemetry/series-source.ts';
import { FleetView } from './view/fleet-view.ts';
import { HubWrites } from './writes/hub-writes.ts';
import { useAuthentication, useNoPartnerIntrospection, usePartnerAllowList } from './yoga-plugins.ts';

export const GRAPHQL_PATH = '/graphql';

export interface RateLimits {
  ratePerSecond: number;
  burst: number;
}

export interface ApiServerOptions {
  client: HubClient;
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
  rateLimits?: { staff?: RateLimits; partner?: RateLimits };
  /** Persisted-operation allow-list (sha256 -> document): partners may run only these. */
  partnerOperations?: Readonly<Record<string, string>>;
  seriesIntervalMs?: number;
  log?: Logger;
}

export interface ApiServer {
  url: string;
  view: FleetView;
  apiKeys: ApiKeyStore;
  stop(): Promise<void>;
}

export const DEFAULT_RATE_LIMITS = {
  staff: { ratePerSecond: 1000, burst: 2000 },
  partner: { ratePerSecond: 20, burst: 40 },
};

export async function startApiServer(options: ApiServerOptions): Promise<ApiServer> {
  const log = options.log ?? silentLogger;
  const view = new FleetView(options.client, {
    namespace: options.namespace,
    seriesIntervalMs: options.seriesIntervalMs,
  });
  const apiKeys = new ApiKeyStore(options.client, options.keysNamespace ?? DEFAULT_NAMESPACE);
  await Promise.all([view.start(), apiKeys.start()]);
  const writes = new HubWrites(options.client, view);
  const series = options.operatorsUrl ? operatorsSeriesSource(options.operatorsUrl) : noSeries;
  const principals = new WeakMap<Request, Principal>();
  const limits = { ...DEFAULT_RATE_LIMITS, ...options.rateLimits };
  const yoga = createYoga<Record<string, unknown>, ApiContext>({
    schema,
    graphqlEndpoint: GRAPHQL_PATH,
    landingPage: false,
    graphiql: { title: 'SMART Fleet API', subscriptionsProtocol: 'SSE' },
    maskedErrors: { isDev: false },
    logging: {
      debug: () => {},
      info: (...args: unknown[]) => log.info(String(args[0])),
      warn: (...args: unknown[]) => log.info(String(args[0])),
      error: (...args: unknown[]) => log.error(String(args[0])),
    },
    context: ({ request }): ApiContext => {
      const principal = principals.get(request);
      if (!principal) {
        throw new Error('request reached GraphQL without authentication'); // the guard plugin prevents this
      }
      return {
        principal,
        view,
        writes,
        apiKeys,
        siteSeries: new DataLoader(
          async (keys: readonly string[]) => {
            const found = await series(keys);
            return keys.map((k) => found.get(k) ?? []);
          },
          { maxBatchSize: MAX_SITES_PER_CALL },
        ),
      };
    },
    plugins: [
      useAuthentication({
        auth: { staffToken: staffTokenVerifier(options.oidc), apiKeys },
        limits: { staff: new RateLimiter(limits.staff), partner: new RateLimiter(limits.partner) },
        graphqlPath: GRAPHQL_PATH,
        principals,
      }),
      useReadinessCheck({ endpoint: '/readyz', check: () => view.ready() }),
      useNoPartnerIntrospection(),
      ...(options.partnerOperations ? [usePartnerAllowList(options.partnerOperations)] : []),
    ],
  });
  const server: Server = createServer(yoga);
  await new Promise<void>((resolve) =>
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve),
  );
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const url = `http://${options.host && options.host !== '0.0.0.0' ? options.host : '127.0.0.1'}:${port}${GRAPHQL_PATH}`;
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
