/**
 * `node hub/src/site-node/service-proxy-main.ts --kubeconfig FILE --bridge NAME --api-server HOST:PORT`
 * A site node's service proxy (service-proxy.ts) as its own process, started and stopped with the
 * node's other parts by site-node.ts. Its kubeconfig is kube-proxy's identity (system:kube-proxy,
 * bound to the built-in system:node-proxier role: Services and endpoints, read only).
 */
import { parseArgs } from 'node:util';
import { connect, processLogger } from '@smart-fleet/kube';
import { startServiceProxy } from './service-proxy.ts';

const { values } = parseArgs({
  options: {
    kubeconfig: { type: 'string' },
    bridge: { type: 'string' },
    'api-server': { type: 'string' },
  },
});
const [host = '', port = ''] = (values['api-server'] ?? '').split(/:(?=\d+$)/);
if (!values.kubeconfig || !values.bridge || !host || !/^\d{1,5}$/.test(port)) {
  console.error('service-proxy: needs --kubeconfig FILE --bridge NAME --api-server HOST:PORT');
  process.exit(2);
}
const log = processLogger({ component: 'service-proxy', bridge: values.bridge });
const proxy = await startServiceProxy({
  client: connect(values.kubeconfig),
  bridge: values.bridge,
  apiServer: { host, port: Number(port) },
  log,
});
log.info('serving', { relayed: proxy.relayed() });
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void proxy.stop().then(() => process.exit(0));
  });
}
