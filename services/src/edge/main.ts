/**
 * `npm run edge -- --site NAME --plan FILE --license-proxy HOST:PORT --entitlement-keys FILE
 *    [--listen HOST:PORT] [--dir STATE] [--max-streams-per-subscriber N] [--fill-rate-mbps N]`
 * The streaming edge of one site on its own (the streaming-edge image): the admission service,
 * nginx and pre-positioning, serving the plan in FILE (edge-plan-file.ts), which the site agent
 * writes. The file is read again when it changes; a plan that fails its check is logged and the
 * last good one kept. `npm run agent` runs the same edge inside the agent's process instead.
 */

import { readFileSync, unwatchFile, watchFile } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { processLogger } from '@smart-fleet/kube';
import { entitlementKeys } from '../license/entitlement-keys.ts';
import { type EdgePlanFile, readEdgePlan } from './edge-plan-file.ts';
import { SiteEdge } from './site-edge.ts';

const PLAN_POLL_MS = 2000;

const { values } = parseArgs({
  options: {
    site: { type: 'string' },
    plan: { type: 'string' },
    'license-proxy': { type: 'string' },
    'entitlement-keys': { type: 'string' },
    listen: { type: 'string', default: '127.0.0.1:8080' },
    dir: { type: 'string', default: join(tmpdir(), 'smart-fleet-edge') },
    'max-streams-per-subscriber': { type: 'string', default: '4' },
    'fill-rate-mbps': { type: 'string', default: '100' },
  },
});
function fail(message: string): never {
  console.error(`edge: ${message}`);
  process.exit(2);
}
const site = values.site ?? fail('--site NAME is required (entitlements must be for this site)');
const planFile = values.plan ?? fail('--plan FILE is required (the site agent writes it)');
const licenseProxy = values['license-proxy'] ?? fail('--license-proxy HOST:PORT is required');
const listen =
  /^(?<host>[^:]*):(?<port>\d{1,5})$/.exec(values.listen)?.groups ??
  fail(`--listen "${values.listen}" is not [HOST]:PORT`);
const whole = (flag: string, text: string, max: number): number => {
  const n = Number(text);
  return Number.isInteger(n) && n >= 1 && n <= max ? n : fail(`--${flag} "${text}" is not 1 to ${max}`);
};
const keysFile = values['entitlement-keys'] ?? fail('--entitlement-keys FILE (the hub JWKS) is required');
let keys: ReturnType<typeof entitlementKeys>;
try {
  keys = entitlementKeys(JSON.parse(readFileSync(keysFile, 'utf8')));
} catch (error) {
  fail(`--entitlement-keys ${keysFile}: ${(error as Error).message}`);
}
let plan: EdgePlanFile;
try {
  plan = readEdgePlan(planFile);
} catch (error) {
  fail((error as Error).message);
}

const log = processLogger({ component: 'streaming-edge', site });
const edge = await SiteEdge.start(
  {
    dir: values.dir,
    host: listen.host || '0.0.0.0',
    port: Number(listen.port),
    site,
    entitlementKeys: keys,
    licenseProxy,
    maxStreamsPerSubscriber: whole('max-streams-per-subscriber', values['max-streams-per-subscriber'], 64),
    fillRateMBps: whole('fill-rate-mbps', values['fill-rate-mbps'], 100_000),
    mayFill: () => plan.fillAllowed,
    log,
  },
  plan,
);
log.info('serving', { url: edge.url, titles: plan.titles.length });

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
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    unwatchFile(planFile);
    void applying.then(() => edge.stop());
  });
}
