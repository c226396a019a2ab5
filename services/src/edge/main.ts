/**
 * `npm run edge -- --site NAME --plan FILE --license-proxy HOST:PORT --entitlement-keys FILE
 *    [--listen HOST:PORT] [--status HOST:PORT] [--dir STATE] [--max-streams-per-subscriber N]
 *    [--fill-rate-mbps N]`
 * The streaming edge of one site on its own (the streaming-edge image): the admission service,
 * nginx and pre-positioning, serving the plan in FILE (edge-plan-file.ts), which the site agent
 * writes. The file is read again when it changes, and so is the key set (a key the hub rotated in);
 * a plan or key set that fails its check is logged and the last good one kept. Its figures (telemetry, fill) are served on --status for the site agent
 * (edge-status-server.ts). `npm run agent` runs the same edge inside the agent's process instead.
 *
 * As a release pod every flag comes from the environment instead (edge-environment.ts): the site
 * agent renders the site's name, the plan and the hub's keys as mounted ConfigMaps, the release's
 * settings give the tuning, and the license proxy is the site's Service.
 */

import { unwatchFile, watchFile } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { processLogger } from '@smart-fleet/kube';
import { entitlementKeys, readKeySetFile } from '../license/entitlement-keys.ts';
import { EDGE_ENV, EDGE_STATUS_PORT, licenseProxyFromEnv } from './edge-environment.ts';
import { type EdgePlanFile, readEdgePlan } from './edge-plan-file.ts';
import { startEdgeStatus } from './edge-status-server.ts';
import { SiteEdge } from './site-edge.ts';

const PLAN_POLL_MS = 2000;

const { values } = parseArgs({
  options: {
    site: { type: 'string', default: process.env[EDGE_ENV.site] },
    plan: { type: 'string', default: process.env[EDGE_ENV.plan] },
    'license-proxy': { type: 'string', default: licenseProxyFromEnv(process.env) },
    'entitlement-keys': { type: 'string', default: process.env[EDGE_ENV.entitlementKeys] },
    listen: { type: 'string', default: '127.0.0.1:8080' },
    status: { type: 'string', default: `127.0.0.1:${EDGE_STATUS_PORT.port}` },
    dir: { type: 'string', default: join(tmpdir(), 'smart-fleet-edge') },
    'max-streams-per-subscriber': {
      type: 'string',
      default: process.env[EDGE_ENV.maxStreamsPerSubscriber] || '4',
    },
    'fill-rate-mbps': { type: 'string', default: process.env[EDGE_ENV.fillRateMbps] || '100' },
  },
});
function fail(message: string): never {
  console.error(`edge: ${message}`);
  process.exit(2);
}
const site =
  values.site || fail(`--site NAME (or ${EDGE_ENV.site}) is required (entitlements must be for this site)`);
const planFile =
  values.plan || fail(`--plan FILE (or ${EDGE_ENV.plan}) is required (the site agent writes it)`);
const licenseProxy =
  values['license-proxy'] ||
  fail('--license-proxy HOST:PORT is required (in a pod: LICENSE_PROXY_URL or the license-proxy Service)');
const address = (flag: string, text: string) => {
  const parts = /^(?<host>[^:]*):(?<port>\d{1,5})$/.exec(text)?.groups;
  return parts && Number(parts.port) <= 65535
    ? { host: parts.host || '0.0.0.0', port: Number(parts.port) }
    : fail(`--${flag} "${text}" is not [HOST]:PORT`);
};
const listen = address('listen', values.listen);
const statusAt = address('status', values.status);
const whole = (flag: string, text: string, max: number): number => {
  const n = Number(text);
  return Number.isInteger(n) && n >= 1 && n <= max ? n : fail(`--${flag} "${text}" is not 1 to ${max}`);
};
const keysFile =
  values['entitlement-keys'] ||
  fail(`--entitlement-keys FILE (or ${EDGE_ENV.entitlementKeys}: the hub's JWKS) is required`);
let keys: ReturnType<typeof entitlementKeys>;
try {
  keys = entitlementKeys(readKeySetFile(keysFile));
} catch (error) {
  fail(`--entitlement-keys ${(error as Error).message}`);
}
let plan: EdgePlanFile;
try {
  plan = readEdgePlan(planFile);
} catch (error) {
  fail((error as Error).message);
}

const log = processLogger({ component: 'streaming-edge', site });
// A configuration the edge refuses (an address that is not HOST:PORT...) ends it like a bad flag.
const edge = await SiteEdge.start(
  {
    dir: values.dir,
    host: listen.host,
    port: listen.port,
    site,
    entitlementKeys: keys,
    licenseProxy,
    maxStreamsPerSubscriber: whole('max-streams-per-subscriber', values['max-streams-per-subscriber'], 64),
    fillRateMBps: whole('fill-rate-mbps', values['fill-rate-mbps'], 100_000),
    mayFill: () => plan.fillAllowed,
    log,
  },
  plan,
).catch((error: Error) => fail(error.message));
const status = await startEdgeStatus(edge, statusAt).catch((error: Error) =>
  fail(`--status ${values.status}: ${error.message}`),
);
log.info('serving', { url: edge.url, status: status.url, titles: plan.titles.length });

let applying = Promise.resolve();
watchFile(planFile, { interval: PLAN_POLL_MS }, () => {
  applying = applying.then(async () => {
    try {
      plan = readEdgePlan(planFile);
      await edge.apply(plan);
      log.info('plan applied', { titles: plan.titles.length, fillAllowed: plan.fillAllowed });
    } catch (error) {
      log.error('plan refused; the last good plan stays', { error: (error as Error).message });
    }
  });
});
watchFile(keysFile, { interval: PLAN_POLL_MS }, () => {
  try {
    const next = entitlementKeys(readKeySetFile(keysFile));
    edge.useEntitlementKeys(next);
    log.info('entitlement keys applied', { kids: next.kids });
  } catch (error) {
    log.error('entitlement keys refused; the last good set stays', { error: (error as Error).message });
  }
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    unwatchFile(planFile);
    unwatchFile(keysFile);
    void applying.then(() => Promise.all([status.stop(), edge.stop()]));
  });
}
