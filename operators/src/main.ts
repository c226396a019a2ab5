/** `npm run operators`: the hub's controllers against $KUBECONFIG's cluster or the local hub. */
import { parseArgs } from 'node:util';
import { connect } from '@smart-fleet/hub';
import { startManager } from './manager.ts';
import { jsonLogger } from './runtime/log.ts';

const { values } = parseArgs({
  options: { namespace: { type: 'string' }, 'metrics-port': { type: 'string' } },
});
const log = jsonLogger({ component: 'smart-fleet-operators' });
const manager = await startManager({
  client: connect(),
  log,
  namespace: values.namespace,
  metricsPort: Number(values['metrics-port'] ?? 9464),
});
const stop = () => {
  manager.stop().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
