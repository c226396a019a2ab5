/**
 * `npm run api`: the GraphQL API against $KUBECONFIG's cluster or the local hub.
 *   npm run api -- serve [--port 16080] [--host 127.0.0.1] [--oidc-issuer URL --oidc-audience AUD
 *                        [--oidc-jwks-url URL]] [--prometheus-url URL] [--scrape-interval 5s]
 *                        [--keys-namespace NS] [--partner-operations FILE.json|none]
 *                        [--trusted-proxies CIDR,...] [--response-cache on|off]
 *                        [--entitlement-key FILE [--entitlement-issuer ISS] [--entitlement-audience AUD]]
 *     Without --oidc-issuer it trusts the local development issuer (started here unless
 *     npm start already runs one). --prometheus-url: where telemetry history lives (the operators'
 *     exported samples and replays); --scrape-interval: how often it scrapes them. Partners may
 *     run only the persisted operations of --partner-operations (default: the shipped
 *     api/operations/partner-operations.json; `none` lets them send any document).
 *     --trusted-proxies names the proxies (addresses or CIDR ranges) whose X-Forwarded-For gives
 *     the client's address for the per-address limits. --entitlement-key (or
 *     SMART_FLEET_ENTITLEMENT_KEY_FILE): the private JWK (ES256 or EdDSA, with kid and alg) that
 *     issueEntitlement signs with; without one that mutation answers NotConfiguredError. Its
 *     issuer and audience default to the license service's (smartfleet.io/hub,
 *     smartfleet.io/license-service).
 *   npm run api -- token [--role operator|noc] [--sub NAME] [--hours N]
 *     Prints a development bearer token from the local issuer's key.
 *   npm run api -- entitlement-key --kid ID [--alg ES256|EdDSA]
 *     Prints a new private signing JWK, for the hub stack's secret `entitlements.signingKey`
 *     (pipe it into `pulumi config set --secret`; it is printed nowhere else).
 */
import { parseArgs } from 'node:util';
import { connect, processLogger } from '@smart-fleet/kube';
import { parseDuration } from '@smart-fleet/model';
import {
  ENTITLEMENT_ALGORITHMS,
  type EntitlementAlgorithm,
  newSigningJwk,
  signerFromJwkFile,
} from '@smart-fleet/services';
import { trustedProxies } from './auth/client-address.ts';
import { devTokenSigner, startDevIssuer } from './auth/dev-issuer.ts';
import { STAFF_ROLES } from './auth/principal.ts';
import type { OidcConfig } from './auth/staff-tokens.ts';
import type { EntitlementSettings } from './entitlements/entitlement-grants.ts';
import { LOCAL_API_PORT, LOCAL_ISSUER, LOCAL_ISSUER_DIR, LOCAL_ISSUER_PORT } from './local-defaults.ts';
import { PARTNER_OPERATIONS_FILE, readPartnerOperations } from './persisted-operations.ts';
import { startApiServer } from './server.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    port: { type: 'string' },
    host: { type: 'string' },
    'oidc-issuer': { type: 'string' },
    'oidc-audience': { type: 'string' },
    'oidc-jwks-url': { type: 'string' },
    'prometheus-url': { type: 'string' },
    'scrape-interval': { type: 'string', default: '5s' },
    'keys-namespace': { type: 'string' },
    'partner-operations': { type: 'string' },
    'trusted-proxies': { type: 'string' },
    'response-cache': { type: 'string', default: 'on' },
    'entitlement-key': { type: 'string' },
    'entitlement-issuer': { type: 'string' },
    'entitlement-audience': { type: 'string' },
    role: { type: 'string', default: 'operator' },
    sub: { type: 'string', default: 'developer' },
    hours: { type: 'string', default: '8' },
    kid: { type: 'string' },
    alg: { type: 'string', default: 'ES256' },
  },
});

function fail(message: string): never {
  console.error(`npm run api: ${message}`);
  process.exit(2);
}

function durationOf(text: string, flag: string): number {
  try {
    return parseDuration(text, flag);
  } catch (error) {
    return fail((error as Error).message);
  }
}

async function token(): Promise<void> {
  if (!(STAFF_ROLES as readonly string[]).includes(values.role)) {
    fail(`--role must be one of ${STAFF_ROLES.join(', ')}, not ${values.role}`);
  }
  const sign = await devTokenSigner(LOCAL_ISSUER_DIR, LOCAL_ISSUER);
  console.log(await sign({ sub: values.sub, roles: [values.role], ttlSeconds: Number(values.hours) * 3600 }));
}

async function newEntitlementKey(): Promise<void> {
  const kid = values.kid ?? fail('--kid is required: name the key, e.g. hub-2026-12');
  if (!(ENTITLEMENT_ALGORITHMS as readonly string[]).includes(values.alg)) {
    fail(`--alg must be one of ${ENTITLEMENT_ALGORITHMS.join(', ')}, not ${values.alg}`);
  }
  try {
    process.stdout.write(`${JSON.stringify(await newSigningJwk(kid, values.alg as EntitlementAlgorithm))}\n`);
  } catch (error) {
    fail(`--kid: ${(error as Error).message}`);
  }
}

async function oidc(): Promise<{ config: OidcConfig; stop?: () => Promise<void> }> {
  const issuer = values['oidc-issuer'];
  if (issuer) {
    const audience = values['oidc-audience'] ?? fail('--oidc-audience is required with --oidc-issuer');
    return { config: { issuer, audience, jwksUrl: values['oidc-jwks-url'] } };
  }
  const dev = await startDevIssuer({ dir: LOCAL_ISSUER_DIR, port: LOCAL_ISSUER_PORT }).catch(() => undefined);
  // Port taken: npm start (or another API) serves the development issuer already.
  return dev
    ? { config: dev.config, stop: dev.stop }
    : { config: { issuer: LOCAL_ISSUER, audience: 'smart-fleet-api', jwksUrl: `${LOCAL_ISSUER}/jwks.json` } };
}

function operations(file: string) {
  try {
    return readPartnerOperations(file);
  } catch (error) {
    return fail(`--partner-operations: ${(error as Error).message}`);
  }
}

function proxies(list: string | undefined): string[] | undefined {
  const entries = list?.split(',').filter((e) => e.trim() !== '');
  try {
    trustedProxies(entries ?? []);
  } catch (error) {
    return fail(`--trusted-proxies: ${(error as Error).message}`);
  }
  return entries;
}

/** The signing key named by the flag or the environment; the message never holds the key. */
async function entitlements(): Promise<EntitlementSettings | undefined> {
  const file = values['entitlement-key'] ?? process.env.SMART_FLEET_ENTITLEMENT_KEY_FILE;
  if (!file) {
    if (values['entitlement-issuer'] || values['entitlement-audience']) {
      fail('--entitlement-issuer and --entitlement-audience need --entitlement-key');
    }
    return undefined;
  }
  try {
    const signer = await signerFromJwkFile(file);
    return { signer, issuer: values['entitlement-issuer'], audience: values['entitlement-audience'] };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return fail(
      `--entitlement-key: ${code === 'ENOENT' ? `${file} does not exist` : (error as Error).message}`,
    );
  }
}

async function serve(): Promise<void> {
  const cache = values['response-cache'];
  if (cache !== 'on' && cache !== 'off') {
    fail(`--response-cache must be on or off, not ${cache}`);
  }
  const log = processLogger({ component: 'smart-fleet-api' });
  const signing = await entitlements(); // before anything starts: a bad key file stops here
  const { config, stop: stopIssuer } = await oidc();
  const operationsFile = values['partner-operations'] ?? PARTNER_OPERATIONS_FILE;
  const partnerOperations = operationsFile === 'none' ? undefined : operations(operationsFile);
  const api = await startApiServer({
    client: connect(),
    oidc: config,
    port: Number(values.port ?? LOCAL_API_PORT),
    host: values.host,
    prometheusUrl: values['prometheus-url'],
    scrapeIntervalMs: durationOf(values['scrape-interval'], '--scrape-interval'),
    keysNamespace: values['keys-namespace'],
    partnerOperations,
    trustedProxies: proxies(values['trusted-proxies']),
    responseCache: cache === 'on',
    entitlements: signing,
    log,
  });
  console.error(`GraphQL API at ${api.url} (GraphiQL in a browser); a token: npm run api -- token`);
  const shutdown = async () => {
    await api.stop();
    await stopIssuer?.();
    process.exit(0);
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

const command = positionals[0] ?? 'serve';
if (command === 'token') {
  await token();
} else if (command === 'serve') {
  await serve();
} else if (command === 'entitlement-key') {
  await newEntitlementKey();
} else {
  fail(`unknown command ${command} (serve, token or entitlement-key)`);
}
