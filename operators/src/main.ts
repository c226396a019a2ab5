/**
 * `npm run operators`: the hub's controllers against $KUBECONFIG's cluster or the local hub.
 * Run several for availability: they elect a leader on a Lease and only the leader acts; a
 * replica that loses the lease exits so its supervisor restarts it as a standby.
 */
import { hostname } from 'node:os';
import { parseArgs } from 'node:util';
import { connect } from '@smart-fleet/hub';
import { kekFromEnvironment } from './drm/kek-source.ts';
import { startManager } from './manager.ts';
import { jsonLogger } from './runtime/log.ts';

const { values } = parseArgs({
  options: {
    namespace: { type: 'string' },
    'metrics-port': { type: 'string' },
    'ingest-port': { type: 'string' },
    'lease-namespace': { type: 'string' },
    'webhook-port': { type: 'string' },
  },
});
const log = jsonLogger({ component: 'smart-fleet-operators' });
if (!process.env.SMART_FLEET_DRM_KEK) {
  log.info('SMART_FLEET_DRM_KEK is not set: the DRM key controller does not run');
}
const manager = await startManager({
  client: connect(),
  log,
  namespace: values.namespace,
  metricsPort: Number(values['metrics-port'] ?? 9464),
  ingestPort: Number(values['ingest-port'] ?? 9465),
  webhook: { port: Number(values['webhook-port'] ?? 9443) },
  drm: kekFromEnvironment(),
  leaderElection: {
    namespace: values['lease-namespace'] ?? 'kube-system',
    identity: `${hostname()}-${process.pid}`,
    onLost: () => {
      log.error('lost the leader lease; exiting');
      process.exit(1);
    },
  },
});
const stop = () => {
  manager.stop().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
