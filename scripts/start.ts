/**
 * `npm start`: the local hub with everything the project has built, on the embedded defaults.
 * Toolchain ready, hub up, CRDs installed, the sample fleet applied, Prometheus (telemetry
 * history) beside it, then it waits; Ctrl-C stops the hub and Prometheus (their data stays for
 * the next start). With KUBECONFIG set, it uses that cluster
 * instead and starts nothing locally.
 */
import { join } from 'node:path';
import {
  addScrapeTarget,
  DEFAULT_HUB_PORTS,
  DEFAULT_PROMETHEUS_PORT,
  hubStatus,
  installCrds,
  startHub,
  startPrometheus,
  stopHub,
  stopPrometheus,
} from '@smart-fleet/hub';
import { connect, DEFAULT_HUB_DIR, processLogger } from '@smart-fleet/kube';
import { deregisterWebhook, localKek } from '@smart-fleet/operators';
import { startLocalApi } from './local-api.ts';
import { startSampleFleet } from './sample-fleet.ts';

const log = (line: string) => console.error(line);

async function main(): Promise<void> {
  const ownHub = !process.env.KUBECONFIG;
  const hub = ownHub ? await startHub({ dir: DEFAULT_HUB_DIR, ...DEFAULT_HUB_PORTS, log }) : undefined;
  const client = connect(hub?.kubeconfig);
  await installCrds(client, log);
  // A registration left by an earlier run that died would refuse every fleet write.
  await deregisterWebhook(client);
  const prometheusDir = join(hub?.dir ?? DEFAULT_HUB_DIR, 'prometheus');
  const prometheus = await startPrometheus({ dir: prometheusDir, port: DEFAULT_PROMETHEUS_PORT, log });
  const fleet = await startSampleFleet({
    client,
    hubDir: hub?.dir,
    log: processLogger({ component: 'smart-fleet-operators' }),
    say: log,
    operators: {
      leaderElection: { namespace: 'kube-system', identity: `npm-start-${process.pid}` },
      webhook: { deregisterOnStop: true },
      drm: localKek(join(hub?.dir ?? DEFAULT_HUB_DIR, 'drm-kek')),
      prometheus: { url: prometheus.url, outOfOrderWindowMs: prometheus.outOfOrderWindowMs },
    },
  });
  const { operators } = fleet;
  addScrapeTarget(prometheusDir, 'operators', operators.metricsUrl);
  const api = await startLocalApi({
    client,
    prometheusUrl: prometheus.url,
    scrapeIntervalMs: prometheus.scrapeIntervalMs,
  });
  const kubeconfig = hub?.kubeconfig ?? process.env.KUBECONFIG;
  console.log(`
SMART Fleet hub is up: ${client.server}
  kubeconfig   ${kubeconfig}
  operators    site admission and health, rollouts, content placement, DRM keys, admission webhook; metrics ${operators.metricsUrl}/metrics, /readyz
  live sites   ${fleet.liveSites.length > 0 ? `${fleet.liveSites.join(', ')} run real agents with their own clusters` : 'none (bring your own agents)'}
  agents       register and heartbeat at ${operators.ingestUrl}/v1/register, /v1/heartbeat
  Prometheus   ${prometheus.url}  (telemetry history: scrapes the operators, takes agents' replays)
  console      ${api.consoleUrl}  (sign in as operator or noc on the development issuer's page)
  GraphQL API  ${api.url}  (GraphiQL in a browser; subscriptions over SSE)
               staff token: npm run api -- token [--role noc]  then header  Authorization: Bearer <token>
  try          npm run kubectl -- get sites -A
               npm run kubectl -- get smart -A
  or           export KUBECONFIG=${kubeconfig}; kubectl get sites -A
${ownHub ? 'Ctrl-C stops the hub (its data is kept for the next npm start).' : 'Ctrl-C exits; your cluster is left as it is.'}`);
  await untilInterrupted(ownHub).finally(async () => {
    await api.stop();
    await fleet.stop();
    await stopPrometheus(prometheusDir, log);
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
