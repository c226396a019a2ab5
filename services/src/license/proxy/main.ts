/**
 * `npm run license-proxy`: the site license proxy (license-proxy.ts). In a site's release its
 * environment comes from the site's endpoints ConfigMap (LICENSE_UPSTREAM_URL) and the site's
 * name (SITE_NAME); locally:
 *   npm run license-proxy -- --site NAME --upstream URL [--host 127.0.0.1] [--port 8080]
 */
import { parseArgs } from 'node:util';
import { LOOPBACK, processLogger, processRegistry } from '@smart-fleet/kube';
import { NAME_PATTERN } from '@smart-fleet/model';
import { LicenseProxy } from '../license-proxy.ts';

const { values } = parseArgs({
  options: {
    host: { type: 'string', default: LOOPBACK },
    port: { type: 'string', default: '8080' },
    site: { type: 'string', default: process.env.SITE_NAME },
    upstream: { type: 'string', default: process.env.LICENSE_UPSTREAM_URL },
  },
});
const log = processLogger({ component: 'license-proxy' });
const fail = (message: string): never => {
  log.error(`cannot start: ${message}`);
  process.exit(2);
};
const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  fail('--port must be a port number');
}
const site =
  values.site && new RegExp(NAME_PATTERN).test(values.site)
    ? values.site
    : fail('--site (or SITE_NAME) must name this site');
const upstream = URL.canParse(values.upstream ?? '')
  ? new URL(values.upstream as string)
  : fail('--upstream (or LICENSE_UPSTREAM_URL) must be the license service URL');

const proxy = await LicenseProxy.start({
  host: values.host,
  port,
  site,
  upstream,
  log,
  registry: processRegistry(),
});
log.info('license proxy listening', { host: values.host, port: proxy.port, site, upstream: upstream.origin });
const stop = () => void proxy.close().then(() => process.exit(0));
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
