/**
 * `npm run license-service`: the DRM license service (license-server.ts) against the hub's key
 * Secrets. In a pod (stacks/wide-area/license-service.ts) everything comes from its environment
 * and Secrets (sources.ts); locally:
 *   npm run license-service -- --kek-file F --entitlement-keys JWKS.json [--namespace NS]
 *     [--kubeconfig FILE] [--host 127.0.0.1] [--port 8080] [--issuer ISS] [--audience AUD]
 *     [--keys-ttl-ms 1000]
 */
import { tmpdir } from 'node:os';
import { parseArgs } from 'node:util';
import { describeError, LOOPBACK, processLogger, processRegistry } from '@smart-fleet/kube';
import { LicenseServer } from '../license-server.ts';
import { TitleKeys } from '../title-keys.ts';
import { hubClient, loadEntitlementKeys, loadKek } from './sources.ts';

const { values } = parseArgs({
  options: {
    host: { type: 'string', default: LOOPBACK },
    port: { type: 'string', default: '8080' },
    namespace: { type: 'string' },
    kubeconfig: { type: 'string' },
    'kek-file': { type: 'string' },
    'entitlement-keys': { type: 'string' },
    issuer: { type: 'string' },
    audience: { type: 'string' },
    'keys-ttl-ms': { type: 'string', default: '1000' },
  },
});
const log = processLogger({ component: 'license-service' });
const fail = (message: string): never => {
  log.error(`cannot start: ${message}`);
  process.exit(2);
};
const port = Number(values.port);
const ttlMs = Number(values['keys-ttl-ms']);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  fail('--port must be a port number');
}
if (!Number.isInteger(ttlMs) || ttlMs < 0 || ttlMs > 60_000) {
  fail('--keys-ttl-ms must be 0 to 60000');
}
const namespace =
  values.namespace ??
  process.env.SMART_FLEET_HUB_NAMESPACE ??
  fail('--namespace (or SMART_FLEET_HUB_NAMESPACE) is required');
const flags = {
  kubeconfig: values.kubeconfig,
  kekFile: values['kek-file'],
  entitlementKeys: values['entitlement-keys'],
};

try {
  const keks = await loadKek(flags, process.env);
  const server = await LicenseServer.start({
    host: values.host,
    port,
    keys: loadEntitlementKeys(flags, process.env),
    issuer: values.issuer,
    audience: values.audience,
    titleKeys: new TitleKeys({ client: await hubClient(flags, process.env, tmpdir()), namespace, ttlMs }),
    keks: keks.keks,
    log,
    registry: processRegistry(),
  });
  log.info('license service listening', { host: values.host, port: server.port, namespace });
  const stop = () => void server.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
} catch (error) {
  fail(describeError(error));
}
