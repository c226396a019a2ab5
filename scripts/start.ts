/**
 * `npm start`: the local hub with everything the project has built, on the embedded defaults.
 * Toolchain ready, hub up, CRDs installed, the sample fleet applied with its data plane (a
 * packaged, encrypted sample title on an origin, the license service, two live sites with their
 * own edges), Prometheus (telemetry history) beside it, the API and console; it prints a URL
 * that plays, then waits. Ctrl-C stops it all (the hub's data stays for the next start). With
 * KUBECONFIG set, it uses that cluster instead and starts no hub, and no live site.
 */
import { join } from 'node:path';
import { devTokenSigner, LOCAL_ISSUER, LOCAL_ISSUER_DIR } from '@smart-fleet/api';
import { ensureConsoleBuilt } from '@smart-fleet/console';
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
import { openPlaybackSession } from './playback-session.ts';
import { type SampleFleet, startSampleFleet } from './sample-fleet.ts';

const log = (line: string) => console.error(line);

async function main(): Promise<void> {
  await ensureConsoleBuilt({ log });
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
    entitlementSigner: fleet.dataPlane?.signer,
  });
  const play = await samplePlayback(fleet, api.url);
  const kubeconfig = hub?.kubeconfig ?? process.env.KUBECONFIG;
  console.log(`
SMART Fleet hub is up: ${client.server}
  kubeconfig   ${kubeconfig}
  operators    site admission and health, rollouts, content placement, DRM keys, admission webhook; metrics ${operators.metricsUrl}/metrics, /readyz
  live sites   ${fleet.liveSites.length > 0 ? fleet.liveSites.map((s) => `${s.site} (edge ${s.edgeUrl})`).join(', ') : 'none (bring your own agents)'}
               ${liveSitesNote(fleet)}
  data plane   ${fleet.dataPlane ? `origin ${fleet.dataPlane.origin.url}, license service ${fleet.dataPlane.licenseUrl.origin}, title ${fleet.dataPlane.title}` : 'none'}
  agents       register and heartbeat at ${operators.ingestUrl}/v1/register, /v1/heartbeat
  Prometheus   ${prometheus.url}  (telemetry history: scrapes the operators, takes agents' replays)
  console      ${api.consoleUrl}  (sign in as operator or noc on the development issuer's page)
  GraphQL API  ${api.url}  (GraphiQL in a browser; subscriptions over SSE)
               staff token: npm run api -- token [--role noc]  then header  Authorization: Bearer <token>
  play         ${play}
               a fresh one: npm run play [-- --site NAME]
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

/** What the live sites are: real nodes running their release as pods, or edges in this process. */
function liveSitesNote(fleet: SampleFleet): string {
  const [node] = fleet.liveSites.filter((s) => s.kubeconfig);
  return node
    ? `real agents on site nodes running the release as pods: npm run kubectl -- --context ${node.site} get pods -A`
    : 'real agents with their own clusters, streaming edges and license proxies in this process';
}

/** A command that plays the sample title from the first live site now, or why there is none. */
async function samplePlayback(fleet: SampleFleet, apiUrl: string): Promise<string> {
  const [site] = fleet.liveSites;
  if (!site || !fleet.dataPlane) {
    return 'no live site to play from';
  }
  const sign = await devTokenSigner(LOCAL_ISSUER_DIR, LOCAL_ISSUER);
  try {
    const session = await openPlaybackSession({
      apiUrl,
      bearer: await sign({ sub: 'npm-start', roles: ['operator'], ttlSeconds: 300 }),
      namespace: site.namespace,
      site: site.site,
      edgeUrl: site.edgeUrl,
      title: fleet.dataPlane.title,
      subscriber: 'sample-viewer',
      ttlSeconds: 900,
    });
    return `ffplay "${session.hlsUrl}"`;
  } catch (error) {
    return `(none yet: ${(error as Error).message})`;
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
