/**
 * The GraphQL-over-HTTP handler: graphql-yoga over the fleet schema with the request guards,
 * given the parts it serves from (the view, the key store, the write path). server.ts starts
 * those parts and puts this handler on a port.
 */

import { useGraphQlJit } from '@envelop/graphql-jit';
import type { Logger } from '@smart-fleet/kube';
import DataLoader from 'dataloader';
import { createYoga, useReadinessCheck } from 'graphql-yoga';
import { AddressLimiter, type AddressLimitOptions, DEFAULT_ADDRESS_LIMITS } from './auth/address-limits.ts';
import type { ApiKeyStore } from './auth/api-keys.ts';
import { trustedProxies } from './auth/client-address.ts';
import { useCredentialWatch } from './auth/credential-watch.ts';
import type { Principal } from './auth/principal.ts';
import { RateLimiter } from './auth/rate-limit.ts';
import { type OidcConfig, staffTokenVerifier } from './auth/staff-tokens.ts';
import type { ApiContext } from './context.ts';
import type { EntitlementSettings } from './entitlements/entitlement-grants.ts';
import { maskErrors, useNoSuggestions } from './error-answers.ts';
import { renderOfflineGraphiQL, useGraphiqlAssets } from './graphiql.ts';
import { DOCUMENT_CACHE_LIMITS, TextKeyedCache } from './limits/document-cache.ts';
import { useDocumentLimits, useOperationLimits } from './limits/limits-plugins.ts';
import { useResponseCache } from './response-cache.ts';
import { schema } from './schema/index.ts';
import type { PrometheusClient } from './telemetry/prometheus-client.ts';
import { MAX_SERIES_SITES, seriesWindow, siteSeries } from './telemetry/series.ts';
import type { FleetView } from './view/fleet-view.ts';
import type { HubWrites } from './writes/hub-writes.ts';
import {
  MAX_REQUEST_BODY_BYTES,
  useAuthentication,
  useNoPartnerIntrospection,
  usePartnerAllowList,
  useRequestBodyLimit,
} from './yoga-plugins.ts';

export const GRAPHQL_PATH = '/graphql';

export interface RateLimits {
  ratePerSecond: number;
  burst: number;
}

export const DEFAULT_RATE_LIMITS = {
  staff: { ratePerSecond: 1000, burst: 2000 },
  partner: { ratePerSecond: 20, burst: 40 },
  /** Per source address, before authentication (auth/address-limits.ts). */
  address: DEFAULT_ADDRESS_LIMITS,
};

export interface RateLimitSettings {
  staff?: RateLimits;
  partner?: RateLimits;
  address?: AddressLimitOptions;
}

export interface FleetYogaDeps {
  view: FleetView;
  apiKeys: ApiKeyStore;
  writes: HubWrites;
  oidc: OidcConfig;
  /** Telemetry history; reads fail with UNAVAILABLE when it does not answer. */
  telemetry: { prometheus: PrometheusClient; scrapeIntervalMs: number };
  rateLimits?: RateLimitSettings;
  /** Proxies (addresses or CIDR ranges) whose X-Forwarded-For names the client; none by default. */
  trustedProxies?: readonly string[];
  partnerOperations?: Readonly<Record<string, string>>;
  /** Repeat answers while the view is unchanged (default on; the benchmark measures both). */
  responseCache?: boolean;
  /** Signing playback entitlements; without it issueEntitlement answers NotConfiguredError. */
  entitlements?: EntitlementSettings;
  log: Logger;
}

/** One range query per `since` (and namespace) for every site a request asks the series of. */
function seriesBatch(telemetry: FleetYogaDeps['telemetry']) {
  return async (keys: readonly string[]) => {
    const bySince = new Map<string, string[]>();
    for (const key of keys) {
      const [since = '', site = ''] = key.split('|');
      bySince.set(since, [...(bySince.get(since) ?? []), site]);
    }
    const found = new Map<string, unknown[]>();
    await Promise.all(
      [...bySince].map(async ([since, sites]) => {
        const window = seriesWindow(
          since ? new Date(Number(since)) : undefined,
          new Date(),
          telemetry.scrapeIntervalMs,
        );
        for (const [site, samples] of await siteSeries(telemetry.prometheus, sites, window)) {
          found.set(`${since}|${site}`, samples);
        }
      }),
    );
    return keys.map((k) => (found.get(k) ?? []) as never);
  };
}

export function createFleetYoga(deps: FleetYogaDeps) {
  const { view, apiKeys, writes, log } = deps;
  const principals = new WeakMap<Request, Principal>();
  const limits = { ...DEFAULT_RATE_LIMITS, ...deps.rateLimits };
  return createYoga<Record<string, unknown>, ApiContext>({
    schema,
    graphqlEndpoint: GRAPHQL_PATH,
    landingPage: false,
    // Enforced from Content-Length by useRequestBodyLimit, without a stream per request.
    maxRequestBodySize: false,
    graphiql: { title: 'SMART Fleet API', subscriptionsProtocol: 'SSE' },
    // From the installed package, on this origin: yoga's own page loads GraphiQL from a CDN.
    renderGraphiQL: renderOfflineGraphiQL,
    maskedErrors: { isDev: false, maskError: maskErrors },
    parserAndValidationCache: {
      documentCache: new TextKeyedCache(DOCUMENT_CACHE_LIMITS),
      errorCache: new TextKeyedCache(DOCUMENT_CACHE_LIMITS),
    },
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
        telemetry: deps.telemetry,
        siteSeries: new DataLoader(seriesBatch(deps.telemetry), { maxBatchSize: MAX_SERIES_SITES }),
        entitlements: deps.entitlements,
      };
    },
    plugins: [
      useRequestBodyLimit(MAX_REQUEST_BODY_BYTES),
      useAuthentication({
        auth: { staffToken: staffTokenVerifier(deps.oidc), apiKeys },
        limits: {
          staff: new RateLimiter(limits.staff),
          partner: new RateLimiter(limits.partner),
          address: new AddressLimiter(limits.address),
        },
        trustedProxies: deps.trustedProxies?.length ? trustedProxies(deps.trustedProxies) : undefined,
        graphqlPath: GRAPHQL_PATH,
        principals,
      }),
      useReadinessCheck({ endpoint: '/readyz', check: () => view.ready() }),
      useGraphiqlAssets(),
      useDocumentLimits(),
      useNoSuggestions(),
      useNoPartnerIntrospection(),
      // Before the response cache and the compiler: a refused operation is neither cached nor compiled.
      useOperationLimits(),
      useCredentialWatch(apiKeys),
      ...(deps.responseCache === false ? [] : [useResponseCache({ version: () => view.version })]),
      // Compiled queries: a 50-row page runs in a fraction of the interpreter's time and garbage.
      useGraphQlJit(),
      ...(deps.partnerOperations ? [usePartnerAllowList(deps.partnerOperations)] : []),
    ],
  });
}
