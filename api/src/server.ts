/**
 * The API server: graphql-yoga over the fleet schema, on node:http. Starts the informer-fed
 * view and the partner key store, and serves /graphql (queries, mutations; subscriptions over
 * Server-Sent Events; GraphiQL for a browser), /health and /readyz, and, when given its build,
 * the console under /console.
 */
import { createServer, type Server } from 'node:http';
import type { KubeClient } from '@smart-fleet/kube';
import { LOOPBACK, type Logger, localUrlHost, silentLogger } from '@smart-fleet/kube';
import { DEFAULT_NAMESPACE } from '@smart-fleet/model';
import { ApiKeyStore } from './auth/api-keys.ts';
import type { OidcConfig } from './auth/staff-tokens.ts';
import { CONSOLE_PATH, type ConsoleFilesOptions, consoleFiles } from './console-files.ts';
import type { EntitlementSettings } from './entitlements/entitlement-grants.ts';
import { LatestTelemetry } from './telemetry/latest-telemetry.ts';
import { noPrometheus, prometheusClient } from './telemetry/prometheus-client.ts';
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
  /** Where telemetry history lives (the operators' exported samples and replays); none: no telemetry. */
  prometheusUrl?: string;
  /** How often that Prometheus scrapes the operators: the latest values are pulled as often. Default 5 s. */
  scrapeIntervalMs?: number;
  rateLimits?: RateLimitSettings;
  /** Proxies (addresses or CIDR ranges) whose X-Forwarded-For names the client; none by default. */
  trustedProxies?: readonly string[];
  /** Persisted-operation allow-list (sha256 -> document): partners may run only these. */
  partnerOperations?: Readonly<Record<string, string>>;
  /** Repeat answers while nothing changed; default on. */
  responseCache?: boolean;
  /** Serve the built console under /console (npm start); the stacks serve it from its own image. */
  console?: ConsoleFilesOptions;
  /** Sign playback entitlements (issueEntitlement) with this key; refused as not configured without. */
  entitlements?: EntitlementSettings;
  log?: Logger;
}

export interface ApiServer {
  url: string;
  /** Where the console is served, when it is. */
  consoleUrl?: string;
  view: FleetView;
  apiKeys: ApiKeyStore;
  stop(): Promise<void>;
}

export async function startApiServer(options: ApiServerOptions): Promise<ApiServer> {
  const log = options.log ?? silentLogger;
  const prometheus = options.prometheusUrl ? prometheusClient(options.prometheusUrl) : noPrometheus;
  const scrapeIntervalMs = options.scrapeIntervalMs ?? 5000;
  const latest = new LatestTelemetry({
    prometheus,
    intervalMs: scrapeIntervalMs,
    namespace: options.namespace,
    // Pulls start after the view exists (latest.start below), so `view` is always set here.
    onChange: (keys) => view.telemetryChanged(keys),
    log: log.child({ component: 'telemetry' }),
  });
  const view = new FleetView(options.client, {
    namespace: options.namespace,
    telemetryOf: (key) => latest.get(key),
  });
  const apiKeys = new ApiKeyStore(options.client, options.keysNamespace ?? DEFAULT_NAMESPACE);
  await Promise.all([view.start(), apiKeys.start()]);
  if (options.prometheusUrl) {
    await latest.start(); // the first pull lands before the first answer; a failure is logged, not fatal
  }
  const yoga = createFleetYoga({
    view,
    apiKeys,
    writes: new HubWrites(options.client, view),
    oidc: options.oidc,
    telemetry: { prometheus, scrapeIntervalMs },
    rateLimits: options.rateLimits,
    trustedProxies: options.trustedProxies,
    partnerOperations: options.partnerOperations,
    responseCache: options.responseCache,
    entitlements: options.entitlements,
    log,
  });
  const consoleRoute = options.console ? consoleFiles(options.console) : undefined;
  const server: Server = createServer((request, response) => {
    if (!consoleRoute?.(request, response)) {
      void yoga(request, response);
    }
  });
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
    await Promise.all([view.stop(), apiKeys.stop(), latest.stop()]); // nothing left running when the port is taken
    throw error;
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const url = `http://${localUrlHost(options.host ?? LOOPBACK)}:${port}${GRAPHQL_PATH}`;
  log.info('api started', { url });
  return {
    url,
    consoleUrl: options.console ? `${url.slice(0, -GRAPHQL_PATH.length)}${CONSOLE_PATH}/` : undefined,
    view,
    apiKeys,
    async stop() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await Promise.all([view.stop(), apiKeys.stop(), latest.stop()]);
    },
  };
}
