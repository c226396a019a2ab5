/**
 * `npm run agent -- --hub URL --namespace NS --site NAME --state-dir DIR --origin URL
 *    --license-upstream URL --entitlement-keys FILE [--edge-listen HOST:PORT]
 *    [--bootstrap-token-file F] [--heartbeat-seconds N] [--fill-rate-mbps N]`
 * The site agent of one local server, with the site's streaming edge (admission, nginx,
 * pre-positioning) and license proxy beside it. KUBECONFIG points at the site's own cluster.
 * `--origin` may be given once per distribution node of the parent cluster.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { connect, processLogger, Registry } from '@smart-fleet/kube';
import { entitlementKeys, LicenseProxy, SiteEdge } from '@smart-fleet/services';
import { SiteAgent } from './site-agent.ts';
import { edgeServices, siteTelemetry } from './site-services.ts';

const { values } = parseArgs({
  options: {
    hub: { type: 'string' },
    namespace: { type: 'string' },
    site: { type: 'string' },
    'state-dir': { type: 'string' },
    origin: { type: 'string', multiple: true },
    'license-upstream': { type: 'string' },
    'entitlement-keys': { type: 'string' },
    'edge-listen': { type: 'string', default: '127.0.0.1:8080' },
    'bootstrap-token-file': { type: 'string' },
    'heartbeat-seconds': { type: 'string' },
    'fill-rate-mbps': { type: 'string', default: '100' },
    'max-streams-per-subscriber': { type: 'string', default: '4' },
  },
});
const required = ['hub', 'namespace', 'site', 'state-dir', 'origin', 'license-upstream', 'entitlement-keys'];
const missing = required.filter((k) => !values[k as keyof typeof values]);
if (missing.length > 0) {
  console.error(`agent: missing --${missing.join(', --')}`);
  process.exit(2);
}
const [host = '', port = ''] = (values['edge-listen'] as string).split(/:(?=\d+$)/);
if (!host || !/^\d{1,5}$/.test(port)) {
  console.error(`agent: --edge-listen "${values['edge-listen']}" is not HOST:PORT`);
  process.exit(2);
}
const site = values.site as string;
const stateDir = values['state-dir'] as string;
const origins = values.origin as string[];
const log = processLogger({ component: 'smart-site-agent', site });
const proxy = await LicenseProxy.start({
  host: '127.0.0.1',
  port: 0,
  site,
  upstream: new URL(values['license-upstream'] as string),
  log: log.child({ component: 'license-proxy' }),
  registry: new Registry(),
});
const edge = await SiteEdge.start(
  {
    dir: join(stateDir, 'edge'),
    host,
    port: Number(port),
    site,
    entitlementKeys: entitlementKeys(JSON.parse(readFileSync(values['entitlement-keys'] as string, 'utf8'))),
    licenseProxy: `127.0.0.1:${proxy.port}`,
    maxStreamsPerSubscriber: Number(values['max-streams-per-subscriber']),
    fillRateMBps: Number(values['fill-rate-mbps']),
    log: log.child({ component: 'streaming-edge' }),
  },
  { egressBudgetMbps: 0, originUrls: origins, titles: [] },
);
const agent = new SiteAgent({
  hubUrl: values.hub as string,
  namespace: values.namespace as string,
  site,
  stateDir,
  siteClient: connect(),
  bootstrapToken: values['bootstrap-token-file']
    ? readFileSync(values['bootstrap-token-file'], 'utf8').trim()
    : undefined,
  telemetry: siteTelemetry(edge, proxy),
  services: edgeServices(edge, origins),
  heartbeatMs: Number(values['heartbeat-seconds'] ?? 5) * 1000,
  log,
});
await agent.start();
log.info('serving', { edge: edge.url });
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    agent.stop();
    void Promise.all([edge.stop(), proxy.close()]);
  });
}
