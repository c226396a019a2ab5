/**
 * `npm start`: the local hub with everything the project has built, on the embedded defaults.
 * Toolchain ready, hub up, CRDs installed, the sample fleet applied, then it waits; Ctrl-C stops
 * the hub (its data stays for the next start). With KUBECONFIG set, it uses that cluster
 * instead and starts nothing locally.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  applyInventory,
  connect,
  DEFAULT_HUB_DIR,
  DEFAULT_HUB_PORTS,
  formatSummary,
  hubReferences,
  hubStatus,
  installCrds,
  ProgressLine,
  readInventoryFiles,
  startHub,
  stopHub,
} from '@smart-fleet/hub';
import { parseInventory } from '@smart-fleet/model';
import { deregisterWebhook, jsonLogger, localKek, startManager } from '@smart-fleet/operators';
import { startLocalApi } from './local-api.ts';
import { startSampleAgents } from './sample-agents.ts';

const SAMPLE_FLEET = fileURLToPath(new URL('../inventory/sample-fleet.yaml', import.meta.url));
const log = (line: string) => console.error(line);

async function main(): Promise<void> {
  const ownHub = !process.env.KUBECONFIG;
  const hub = ownHub ? await startHub({ dir: DEFAULT_HUB_DIR, ...DEFAULT_HUB_PORTS, log }) : undefined;
  const client = connect(hub?.kubeconfig);
  await installCrds(client, log);
  // A registration left by an earlier run that died would refuse every fleet write.
  await deregisterWebhook(client);
  const inputs = readInventoryFiles([SAMPLE_FLEET]);
  const { inventory, problems } = parseInventory(inputs, { existing: await hubReferences(client) });
  if (!inventory) {
    throw new Error(`the sample fleet has problems: ${problems.map((p) => p.message).join('; ')}`);
  }
  const progress = new ProgressLine('[fleet] sample fleet applied');
  const summary = await applyInventory(client, inventory, { onProgress: (c) => progress.update(c) });
  log(`[fleet] sample fleet: ${formatSummary(summary)}`);
  const operators = await startManager({
    client,
    log: jsonLogger({ component: 'smart-fleet-operators' }),
    leaderElection: { namespace: 'kube-system', identity: `npm-start-${process.pid}` },
    webhook: { deregisterOnStop: true },
    drm: localKek(join(hub?.dir ?? DEFAULT_HUB_DIR, 'drm-kek')),
  });
  // Two apartment sites get real agents with their own clusters (local hub only: they need its etcd).
  const agents = hub
    ? await startSampleAgents({
        client,
        hubDir: hub.dir,
        ingestUrl: operators.ingestUrl,
        sites: inventory.objects
          .filter((o) => o.kind === 'Site' && o.spec.kind === 'apartment-complex')
          .slice(0, 2),
      })
    : undefined;
  const api = await startLocalApi({ client, operatorsUrl: operators.metricsUrl });
  const kubeconfig = hub?.kubeconfig ?? process.env.KUBECONFIG;
  console.log(`
SMART Fleet hub is up: ${client.server}
  kubeconfig   ${kubeconfig}
  operators    site admission and health, rollouts, content placement, DRM keys, admission webhook; metrics ${operators.metricsUrl}/metrics, /readyz
  live sites   ${agents ? `${agents.sites.join(', ')} run real agents with their own clusters` : 'none (bring your own agents)'}
  agents       register and heartbeat at ${operators.ingestUrl}/v1/register, /v1/heartbeat
  console      ${api.consoleUrl}  (sign in as operator or noc on the development issuer's page)
  GraphQL API  ${api.url}  (GraphiQL in a browser; subscriptions over SSE)
               staff token: npm run api -- token [--role noc]  then header  Authorization: Bearer <token>
  try          npm run kubectl -- get sites -A
               npm run kubectl -- get smart -A
  or           export KUBECONFIG=${kubeconfig}; kubectl get sites -A
${ownHub ? 'Ctrl-C stops the hub (its data is kept for the next npm start).' : 'Ctrl-C exits; your cluster is left as it is.'}`);
  await untilInterrupted(ownHub).finally(async () => {
    await api.stop();
    await agents?.stop();
    await operators.stop();
  });
  if (ownHub) {
    await stopHub(DEFAULT_HUB_DIR, log);
  }
}

/**
 * Waits for Ctrl-C (or SIGTERM). Meanwhile it watches the local hub, so a hub that dies under
 * it is reported at once instead of being found by the next kubectl.
 */
function untilInterrupted(watchHub: boolean): Promise<void> {
  return new Promise((resolve, reject) => {
    const watch = setInterval(() => {
      if (!watchHub) {
        return;
      }
      hubStatus(DEFAULT_HUB_DIR).then((status) => {
        if (status.state !== 'running') {
          clearInterval(watch);
          reject(new Error(`the hub stopped underneath (${status.state}); see ${DEFAULT_HUB_DIR}/logs`));
        }
      }, reject);
    }, 5000);
    const stop = () => {
      clearInterval(watch);
      resolve();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}

main().catch((error: unknown) => {
  console.error(`[start] ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
