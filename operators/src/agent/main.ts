/**
 * `npm run agent -- --hub URL --namespace NS --site NAME --state-dir DIR [--bootstrap-token-file F]`
 * The site agent of one local server. KUBECONFIG points at the site's own cluster.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { connect, processLogger } from '@smart-fleet/kube';
import { SiteAgent } from './site-agent.ts';
import { syntheticTelemetry } from './synthetic-telemetry.ts';

const { values } = parseArgs({
  options: {
    hub: { type: 'string' },
    namespace: { type: 'string' },
    site: { type: 'string' },
    'state-dir': { type: 'string' },
    'bootstrap-token-file': { type: 'string' },
    'heartbeat-seconds': { type: 'string' },
  },
});
const missing = ['hub', 'namespace', 'site', 'state-dir'].filter((k) => !values[k as keyof typeof values]);
if (missing.length > 0) {
  console.error(`agent: missing --${missing.join(', --')}`);
  process.exit(2);
}
const log = processLogger({ component: 'smart-site-agent', site: values.site });
const agent = new SiteAgent({
  hubUrl: values.hub as string,
  namespace: values.namespace as string,
  site: values.site as string,
  stateDir: values['state-dir'] as string,
  siteClient: connect(),
  bootstrapToken: values['bootstrap-token-file']
    ? readFileSync(values['bootstrap-token-file'], 'utf8').trim()
    : undefined,
  telemetry: syntheticTelemetry(values.site as string),
  heartbeatMs: Number(values['heartbeat-seconds'] ?? 5) * 1000,
  log,
});
await agent.start();
process.once('SIGINT', () => agent.stop());
process.once('SIGTERM', () => agent.stop());
