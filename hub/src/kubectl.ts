/**
 * `npm run kubectl -- ARGS`: the toolchain's kubectl against the hub (KUBECONFIG, or the local
 * hub). With the local hub, the kubeconfigs of its site nodes (`<hub>/nodes/<site>`) come too,
 * each with a context named after its site: `npm run kubectl -- --context <site> get pods -A`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { DEFAULT_HUB_DIR, resolveKubeconfig } from '@smart-fleet/kube';
import { siteNodeDir, siteNodeStatus } from './site-node/site-node.ts';
import { ensureToolchain } from './toolchain.ts';

/** The local hub's running site nodes' kubeconfigs. */
async function siteNodeKubeconfigs(): Promise<string[]> {
  const nodes = join(DEFAULT_HUB_DIR, 'nodes');
  const sites = existsSync(nodes) ? readdirSync(nodes) : [];
  const statuses = await Promise.all(sites.map((site) => siteNodeStatus(siteNodeDir(DEFAULT_HUB_DIR, site))));
  return statuses.flatMap((s) => (s.state === 'running' && s.info?.kubeconfig ? [s.info.kubeconfig] : []));
}

const tc = await ensureToolchain();
const kubeconfig = process.env.KUBECONFIG
  ? resolveKubeconfig()
  : [resolveKubeconfig(), ...(await siteNodeKubeconfigs())].join(delimiter);
const result = spawnSync(tc.kubectl, process.argv.slice(2), {
  stdio: 'inherit',
  env: { ...process.env, KUBECONFIG: kubeconfig },
});
process.exitCode = result.status ?? 1;
