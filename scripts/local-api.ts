/**
 * The GraphQL API as `npm start` runs it: on its fixed loopback port, trusting the local
 * development issuer (whose key lives with the hub, so `npm run api -- token` can mint staff
 * tokens), with telemetry (latest values and history) from the local Prometheus, the console
 * under /console (signing in through the same issuer), partners held to the shipped
 * persisted operations, as in the hub stack, and, when given the hub's entitlement signer
 * (services' loadOrCreateEntitlementSigner), issueEntitlement signing with it.
 */
import {
  type ApiServerOptions,
  LOCAL_API_PORT,
  LOCAL_ISSUER_DIR,
  LOCAL_ISSUER_PORT,
  readPartnerOperations,
  startApiServer,
  startDevIssuer,
} from '@smart-fleet/api';
import { CONSOLE_DIST } from '@smart-fleet/console';
import type { KubeClient } from '@smart-fleet/kube';
import { processLogger } from '@smart-fleet/kube';
import type { EntitlementSigner } from '@smart-fleet/services';

function portTaken(what: string, port: number) {
  return (error: unknown) => {
    const code = (error as NodeJS.ErrnoException).code;
    throw new Error(
      code === 'EADDRINUSE'
        ? `port ${port} for the ${what} is in use: is another npm start running?`
        : String(error),
    );
  };
}

/** What sets `npm start`'s API apart from a bare one: its fixed port, and partners held to the shipped operations. */
export function localApiSettings(): Pick<ApiServerOptions, 'port' | 'partnerOperations'> {
  return { port: LOCAL_API_PORT, partnerOperations: readPartnerOperations() };
}

export async function startLocalApi(options: {
  client: KubeClient;
  prometheusUrl?: string;
  scrapeIntervalMs?: number;
  /** Signs playback entitlements (the license service and site edges trust its public key). */
  entitlementSigner?: EntitlementSigner;
}) {
  const issuer = await startDevIssuer({ dir: LOCAL_ISSUER_DIR, port: LOCAL_ISSUER_PORT }).catch(
    portTaken('development token issuer', LOCAL_ISSUER_PORT),
  );
  const api = await startApiServer({
    client: options.client,
    oidc: issuer.config,
    ...localApiSettings(),
    prometheusUrl: options.prometheusUrl,
    scrapeIntervalMs: options.scrapeIntervalMs,
    entitlements: options.entitlementSigner ? { signer: options.entitlementSigner } : undefined,
    console: {
      dir: CONSOLE_DIST,
      settings: { apiUrl: '/graphql', oidcIssuer: issuer.issuer, oidcClientId: 'smart-fleet-console' },
    },
    log: processLogger({ component: 'smart-fleet-api' }),
  }).catch(async (error: unknown) => {
    await issuer.stop();
    return portTaken('GraphQL API', LOCAL_API_PORT)(error);
  });
  return {
    url: api.url,
    consoleUrl: api.consoleUrl,
    async stop() {
      await api.stop();
      await issuer.stop();
    },
  };
}
