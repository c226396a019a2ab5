/** `npm run kubectl -- ARGS`: the toolchain's kubectl against the hub (KUBECONFIG, or the local hub). */
import { spawnSync } from 'node:child_process';
import { resolveKubeconfig } from '@smart-fleet/kube';
import { ensureToolchain } from './toolchain.ts';

const tc = await ensureToolchain();
const result = spawnSync(tc.kubectl, process.argv.slice(2), {
  stdio: 'inherit',
  env: { ...process.env, KUBECONFIG: resolveKubeconfig() },
});
process.exitCode = result.status ?? 1;
