/**
 * `npm run agent -- --hub URL --namespace NS --site NAME --state-dir DIR
 *    [--origin URL]... [--bootstrap-token-file F] [--heartbeat-seconds N]
 *    [--in-process-edge --license-upstream URL --entitlement-keys FILE [--edge-listen HOST:PORT]
 *     [--fill-rate-mbps N] [--max-streams-per-subscriber N]]`
 * The site agent of one local server. KUBECONFIG (or the pod's service account) points at the
 * site's own cluster.
 *
 * By default the release's services run as pods on the site's node (as the site stack deploys
 * the agent): the agent renders them, gives the streaming edge pod its plan and the hub's keys
 * (`--origin`, once per distribution node of the parent cluster, and `--entitlement-keys`: a
 * release with an edge is refused by name without them), and reads the heartbeat's figures from
 * the pods and the node (release-pod-readings.ts, node-accelerators.ts).
 * With `--in-process-edge` the agent runs the site's streaming edge and license proxy in its own
 * process instead, for a site cluster with no node.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { connect, type KubeClient, type Logger, processLogger, Registry } from '@smart-fleet/kube';
import {
  type EntitlementKeySet,
  entitlementKeys,
  LicenseProxy,
  readKeySetFile,
  SiteEdge,
} from '@smart-fleet/services';
import { releasePodReporting } from './release-pod-readings.ts';
import { SiteAgent, type SiteAgentOptions } from './site-agent.ts';
import { edgeServices, inProcessReadings, siteTelemetry } from './site-services.ts';

const { values } = parseArgs({
  options: {
    hub: { type: 'string' },
    namespace: { type: 'string' },
    site: { type: 'string' },
    'state-dir': { type: 'string' },
    origin: { type: 'string', multiple: true },
    'entitlement-keys': { type: 'string' },
    'bootstrap-token-file': { type: 'string' },
    'heartbeat-seconds': { type: 'string' },
    'in-process-edge': { type: 'boolean', default: false },
    'license-upstream': { type: 'string' },
    'edge-listen': { type: 'string', default: '127.0.0.1:8080' },
    'fill-rate-mbps': { type: 'string', default: '100' },
    'max-streams-per-subscriber': { type: 'string', default: '4' },
  },
});
function fail(message: string): never {
  console.error(`agent: ${message}`);
  process.exit(2);
}
const inProcess = values['in-process-edge'];
const required = [
  'hub',
  'namespace',
  'site',
  'state-dir',
  ...(inProcess ? ['origin', 'license-upstream', 'entitlement-keys'] : []),
];
const missing = required.filter((k) => !values[k as keyof typeof values]);
if (missing.length > 0) {
  fail(`missing --${missing.join(', --')}`);
}
if (!inProcess && values['entitlement-keys']) {
  fail('--entitlement-keys goes with --in-process-edge: an edge pod is given the keys in the bundle');
}
const site = values.site as string;
const stateDir = values['state-dir'] as string;
const origins = values.origin ?? [];
let keySet: EntitlementKeySet | undefined;
if (values['entitlement-keys']) {
  try {
    keySet = readKeySetFile(values['entitlement-keys']);
  } catch (error) {
    fail(`--entitlement-keys ${(error as Error).message}`);
  }
}
const log = processLogger({ component: 'smart-site-agent', site });
const siteClient = connect();
const heartbeatSeconds = Number(values['heartbeat-seconds'] ?? 5);
if (!Number.isInteger(heartbeatSeconds) || heartbeatSeconds < 1 || heartbeatSeconds > 300) {
  fail(`--heartbeat-seconds "${values['heartbeat-seconds']}" is not 1 to 300`);
}

/** The edge and proxy in this process: what the heartbeat reads, and how to stop them. */
async function inProcessParts(): Promise<
  Pick<SiteAgentOptions, 'telemetry' | 'services'> & { stop(): Promise<void> }
> {
  const [host = '', port = ''] = values['edge-listen'].split(/:(?=\d+$)/);
  if (!host || !/^\d{1,5}$/.test(port)) {
    fail(`--edge-listen "${values['edge-listen']}" is not HOST:PORT`);
  }
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
      entitlementKeys: entitlementKeys(keySet),
      licenseProxy: `127.0.0.1:${proxy.port}`,
      maxStreamsPerSubscriber: Number(values['max-streams-per-subscriber']),
      fillRateMBps: Number(values['fill-rate-mbps']),
      log: log.child({ component: 'streaming-edge' }),
    },
    { egressBudgetMbps: 0, originUrls: origins, titles: [] },
  );
  log.info('serving', { edge: edge.url });
  return {
    telemetry: siteTelemetry(inProcessReadings(edge, proxy)),
    services: edgeServices(edge, origins),
    stop: async () => {
      await Promise.all([edge.stop(), proxy.close()]);
    },
  };
}

/** The release's pods and the site's node (named after the site): what the heartbeat reads. */
function podParts(client: KubeClient, logger: Logger) {
  const reporting = releasePodReporting({ siteClient: client, node: site, log: logger });
  void reporting.start();
  return { ...reporting, stop: async () => reporting.stop() };
}

const parts = inProcess ? await inProcessParts() : podParts(siteClient, log);
const agent = new SiteAgent({
  hubUrl: values.hub as string,
  namespace: values.namespace as string,
  site,
  stateDir,
  siteClient,
  bootstrapToken: values['bootstrap-token-file']
    ? readFileSync(values['bootstrap-token-file'], 'utf8').trim()
    : undefined,
  telemetry: parts.telemetry,
  services: parts.services,
  ...(origins.length > 0 ? { edge: { originUrls: origins } } : {}),
  heartbeatMs: heartbeatSeconds * 1000,
  ...(inProcess ? { runningWhen: 'applied' as const } : {}),
  log,
});
await agent.start();
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    agent.stop();
    void parts.stop();
  });
}
