/**
 * `npm run operators`: the hub's controllers against $KUBECONFIG's cluster or the local hub.
 * Run several for availability: they elect a leader on a Lease and only the leader acts; a
 * replica that loses the lease exits so its supervisor restarts it as a standby. Every replica
 * serves agents; standbys relay agents' calls to the leader at its advertised address.
 *   npm run operators -- [--namespace NS] [--lease-namespace NS]
 *     [--listen-host 127.0.0.1] [--advertise-address ADDR] [--metrics-port 9464]
 *     [--ingest-port 9465] [--webhook-port 9443] [--webhook-cert-dir DIR]
 *     [--prometheus-url URL] [--replay-window 14h] [--entitlement-keys JWKS.json]
 * --listen-host: where the metrics, agents' and webhook servers listen (a pod: 0.0.0.0).
 * --advertise-address: how the other replicas reach this one (a pod: its IP, $(POD_IP));
 *   required when listening on every address.
 * --webhook-cert-dir: tls.crt and tls.key (the webhook's mounted TLS Secret): serve them,
 *   reloaded when they change, and leave the webhook's registration to the hub stack. Without
 *   it the webhook makes its own certificate and registers itself at its loopback URL.
 * --entitlement-keys: the public key set the API signs playback entitlements with (the hub
 *   stack's ConfigMap), given to every site in its bundle for its streaming edge.
 */
import { hostname } from 'node:os';
import { parseArgs } from 'node:util';
import { connect, LOOPBACK, listensEverywhere, processLogger } from '@smart-fleet/kube';
import { DEFAULT_REPLAY_WINDOW_MS, parseDuration } from '@smart-fleet/model';
import { type EntitlementKeySet, kekFromEnvironment, readKeySetFile } from '@smart-fleet/services';
import { startManager } from './manager.ts';

const { values } = parseArgs({
  options: {
    namespace: { type: 'string' },
    'metrics-port': { type: 'string' },
    'ingest-port': { type: 'string' },
    'lease-namespace': { type: 'string' },
    'webhook-port': { type: 'string' },
    'webhook-cert-dir': { type: 'string' },
    'listen-host': { type: 'string', default: LOOPBACK },
    'advertise-address': { type: 'string' },
    'prometheus-url': { type: 'string' },
    'replay-window': { type: 'string' },
    'entitlement-keys': { type: 'string' },
  },
});
const listenHost = values['listen-host'];
if (listensEverywhere(listenHost) && !values['advertise-address']) {
  console.error(
    'npm run operators: --advertise-address is required with --listen-host ' +
      `${listenHost}: standbys relay agents' calls to the leader there (in a pod: its IP)`,
  );
  process.exit(2);
}
const log = processLogger({ component: 'smart-fleet-operators' });
let replayWindowMs = DEFAULT_REPLAY_WINDOW_MS;
try {
  replayWindowMs = values['replay-window']
    ? parseDuration(values['replay-window'], '--replay-window')
    : replayWindowMs;
} catch (error) {
  console.error(`npm run operators: ${(error as Error).message}`);
  process.exit(2);
}
let entitlementKeys: EntitlementKeySet | undefined;
try {
  entitlementKeys = values['entitlement-keys'] ? readKeySetFile(values['entitlement-keys']) : undefined;
} catch (error) {
  console.error(`npm run operators: --entitlement-keys ${(error as Error).message}`);
  process.exit(2);
}
if (!entitlementKeys) {
  log.info('--entitlement-keys is not set: no site can run a release with a streaming edge');
}
if (!values['prometheus-url']) {
  log.info('--prometheus-url is not set: agents replaying telemetry after an outage are told to keep it');
}
if (!process.env.SMART_FLEET_DRM_KEK) {
  log.info('SMART_FLEET_DRM_KEK is not set: the DRM key controller does not run');
}
const manager = await startManager({
  client: connect(),
  log,
  namespace: values.namespace,
  listenHost,
  advertiseHost: values['advertise-address'],
  metricsPort: Number(values['metrics-port'] ?? 9464),
  ingestPort: Number(values['ingest-port'] ?? 9465),
  webhook: { port: Number(values['webhook-port'] ?? 9443), certDir: values['webhook-cert-dir'] },
  drm: kekFromEnvironment(),
  entitlementKeys,
  prometheus: values['prometheus-url']
    ? { url: values['prometheus-url'], outOfOrderWindowMs: replayWindowMs }
    : undefined,
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
