/**
 * The operator manager: one process running the hub's controllers over shared informers, with
 * Prometheus metrics and health endpoints. `npm start` runs one beside the local hub.
 *
 * With leader election, every replica serves agents, but only the leader keeps their
 * heartbeats (it alone judges site health and exports the sites' latest telemetry for
 * Prometheus to scrape): a standby relays agents' calls to the leader, whose endpoints it reads
 * from annotations the leader writes on the Lease. Replayed telemetry goes to Prometheus by
 * remote write.
 */
import type { Server } from 'node:http';
import type { KubeClient, Logger } from '@smart-fleet/kube';
import {
  type Controller,
  ControllerMetrics,
  fencedClient,
  LeaderElector,
  type LeaseHolder,
  LOOPBACK,
  localUrlHost,
  processRegistry,
  type Registry,
  SharedInformers,
  serveMetrics,
  urlHost,
} from '@smart-fleet/kube';
import { API_GROUP, DEFAULT_REPLAY_WINDOW_MS } from '@smart-fleet/model';
import { checkedKeySet, type EntitlementKeySet, type KekRing } from '@smart-fleet/services';
import { bundleSource, siteActive } from './agent/bundle-source.ts';
import { makeControllers } from './controllers/index.ts';
import type { HealthPolicy } from './controllers/site-health.ts';
import { AgentCredentials } from './health/agent-credentials.ts';
import { type Heartbeat, HeartbeatStore } from './health/heartbeat-store.ts';
import { serveIngest } from './health/ingest-server.ts';
import type { LeaderRouting } from './health/leader-forward.ts';
import { remoteWriter } from './health/prometheus-remote-write.ts';
import { telemetryLabels } from './health/telemetry-labels.ts';
import { registerTelemetryMetrics } from './health/telemetry-metrics.ts';
import { TelemetryReplay } from './health/telemetry-replay.ts';
import { startWebhook } from './webhook/webhook-server.ts';

export interface ManagerOptions {
  client: KubeClient;
  log: Logger;
  /** Watch one namespace only (tests); all namespaces when absent. */
  namespace?: string;
  /**
   * Address the metrics, agents' and webhook servers listen on: 127.0.0.1 unless told (in a
   * pod, 0.0.0.0, so probes, Services and the other replica reach it).
   */
  listenHost?: string;
  /**
   * How the other replicas reach this one (in a pod, its IP): written on the Lease while this
   * replica leads. Defaults to the listen host (127.0.0.1 when that is every address).
   */
  advertiseHost?: string;
  /** Port for /metrics, /healthz, /readyz; 0 picks one. */
  metricsPort?: number;
  /** Port for the agents' register/heartbeat endpoint; 0 picks one. */
  ingestPort?: number;
  health?: Partial<HealthPolicy>;
  /** Run controllers only while holding this Lease; without it, this process always acts. */
  leaderElection?: {
    namespace: string;
    name?: string;
    identity: string;
    leaseDurationMs?: number;
    renewDeadlineMs?: number;
    retryMs?: number;
    /** Called each time leadership is lost, its controllers stopped (main exits; else a standby). */
    onLost?: () => void;
  };
  /** The key-encryption keys for DRM content keys; the DRM controller runs only with them. */
  drm?: KekRing;
  /**
   * The public keys the hub's API signs playback entitlements with (current and rotated-out),
   * handed to every site in its bundle: its streaming edge admits sessions with them. Without
   * them a release that runs an edge cannot be rendered at any site.
   */
  entitlementKeys?: EntitlementKeySet;
  /**
   * Serve the validating admission webhook: with `certDir` (tls.crt, tls.key), that certificate,
   * its registration left to the stack; without, its own certificate, registering itself.
   */
  webhook?: { port?: number; deregisterOnStop?: boolean; certDir?: string; certPollMs?: number };
  /**
   * The Prometheus that scrapes this process and keeps the telemetry history: replayed samples
   * are remote-written there. Its out-of-order window bounds how old a replay may be.
   */
  prometheus?: { url: string; outOfOrderWindowMs?: number };
  now?: () => Date;
  /** Where heartbeats are kept: a benchmark feeds one directly instead of 21,000 agents over HTTP. */
  heartbeats?: HeartbeatStore;
}

export interface Manager {
  readonly metricsUrl: string;
  readonly ingestUrl: string;
  /** The last heartbeat this process holds for a site (`namespace/name`). */
  heartbeat(site: string): Heartbeat | undefined;
  readonly registry: Registry;
  /** True while this process's controllers act. */
  leading(): boolean;
  stop(): Promise<void>;
}

export const OPERATORS_LEASE = 'smart-fleet-operators';
/** Written on the Lease by its holder: where standbys relay agents' calls (and its metrics). */
export const LEADER_INGEST_ANNOTATION = `${API_GROUP}/leader-ingest-url`;
export const LEADER_METRICS_ANNOTATION = `${API_GROUP}/leader-metrics-url`;

const portOf = (s: Server) => {
  const address = s.address();
  return typeof address === 'object' && address ? address.port : 0;
};

interface Leadership {
  /** Absent without leader election: this process always acts. */
  elector?: LeaderElector;
  leading(): boolean;
  /** The other replica holding the Lease, if any (never this one). */
  leader(): LeaseHolder | undefined;
  stop(): void;
}

/**
 * Starts controllers now, or when the Lease is won. Informers and the agents' endpoint run on
 * every replica (a standby's caches are warm); only the leader's workers reconcile. Events
 * that arrive on a standby wait in its queues, and winning the lease re-offers every cached
 * object, so nothing is missed at a failover.
 */
function leadOrStart(
  options: ManagerOptions,
  controllers: Controller[],
  informers: SharedInformers,
  annotations: Record<string, string>,
): Leadership {
  const startAll = () => {
    for (const c of controllers) {
      c.start();
    }
    informers.resyncNow();
  };
  const le = options.leaderElection;
  if (!le) {
    startAll();
    return { leading: () => true, leader: () => undefined, stop: () => undefined };
  }
  // One term at a time: a term's workers start only once the last term's have stopped.
  let stopped: Promise<unknown> = Promise.resolve();
  let terms = 0;
  let acting = false;
  let stopping = false;
  const elector = new LeaderElector({
    ...le,
    name: le.name ?? OPERATORS_LEASE,
    client: options.client,
    log: options.log,
    annotations,
    onStartedLeading: () => {
      const term = ++terms;
      void stopped.then(() => {
        if (term === terms && elector.leading && !stopping) {
          acting = true;
          startAll();
        }
      });
    },
    onStoppedLeading: () => {
      acting = false;
      // The fence has already refused and aborted this term's writes. The elector campaigns on:
      // this replica is a standby now, and leads again with restarted controllers if it wins.
      stopped = Promise.all(controllers.map((c) => c.stop())).then(() =>
        stopping ? undefined : le.onLost?.(),
      );
    },
  });
  elector.start();
  return {
    elector,
    leading: () => acting && elector.leading,
    leader: () => {
      const holder = elector.leader();
      return holder && holder.identity !== le.identity ? holder : undefined;
    },
    stop: () => {
      stopping = true;
      elector.stop();
    },
  };
}

export async function startManager(options: ManagerOptions): Promise<Manager> {
  // Checked before anything starts, and before any site is given it: public keys only.
  const entitlementKeys = options.entitlementKeys && checkedKeySet(options.entitlementKeys);
  const registry = processRegistry();
  const metrics = new ControllerMetrics(registry);
  const informers = new SharedInformers(options.client, options.namespace);
  const store = options.heartbeats ?? new HeartbeatStore();
  // Assigned once the servers listen (the Lease carries their ports); until then, not leading.
  let leadership: Leadership | undefined;
  // With leader election the controllers write only while this replica leads, checked on each
  // write, and a write in flight is aborted when the Lease is lost (kube's leader-fence.ts).
  const client = options.leaderElection
    ? fencedClient(options.client, () => leadership?.elector)
    : options.client;
  const { controllers, stop: stopTicks } = makeControllers({ ...options, client, informers, metrics, store });
  await informers.start();
  const host = options.listenHost ?? LOOPBACK;
  const routing = (annotation: string): LeaderRouting | undefined =>
    options.leaderElection
      ? {
          leading: () => leadership?.leading() ?? false,
          leaderUrl: () => leadership?.leader()?.annotations[annotation],
        }
      : undefined;
  const labelsOf = telemetryLabels(informers);
  registerTelemetryMetrics({
    registry,
    store,
    labelsOf,
    silentAfterMs: options.health?.graceMs,
    leading: () => leadership?.leading() ?? false,
  });
  const replay = new TelemetryReplay({
    writer: options.prometheus ? remoteWriter(options.prometheus.url) : undefined,
    labelsOf,
    outOfOrderWindowMs: options.prometheus?.outOfOrderWindowMs ?? DEFAULT_REPLAY_WINDOW_MS,
    registry,
  });
  const server: Server = await serveMetrics({
    registry,
    health: { ready: () => informers.synced() },
    port: options.metricsPort ?? 0,
    host,
  });
  const credentials = new AgentCredentials(options.client);
  const ingest: Server = await serveIngest(
    {
      credentials,
      store,
      log: options.log.child({ component: 'ingest' }),
      bundleFor: bundleSource(informers, entitlementKeys),
      siteActive: siteActive(informers),
      routing: routing(LEADER_INGEST_ANNOTATION),
      replay,
    },
    options.ingestPort ?? 0,
    host,
  );
  const local = localUrlHost(host);
  const reach = options.advertiseHost ? urlHost(options.advertiseHost) : local;
  const elected = leadOrStart(options, controllers, informers, {
    [LEADER_INGEST_ANNOTATION]: `http://${reach}:${portOf(ingest)}`,
    [LEADER_METRICS_ANNOTATION]: `http://${reach}:${portOf(server)}`,
  });
  leadership = elected;
  const webhook = options.webhook
    ? await startWebhook({
        client: options.client,
        log: options.log.child({ component: 'webhook' }),
        port: options.webhook.port,
        host,
        certDir: options.webhook.certDir,
        certPollMs: options.webhook.certPollMs,
      })
    : undefined;
  const urlOf = (s: Server) => `http://${local}:${portOf(s)}`;
  options.log.info('operators started', {
    controllers: controllers.map((c) => c.name),
    metrics: urlOf(server),
    ingest: urlOf(ingest),
  });
  return {
    metricsUrl: urlOf(server),
    ingestUrl: urlOf(ingest),
    heartbeat: (site) => store.get(site),
    registry,
    leading: elected.leading,
    async stop() {
      elected.stop();
      stopTicks();
      await informers.stop();
      await Promise.all(controllers.map((c) => c.stop()));
      await webhook?.stop({ deregister: options.webhook?.deregisterOnStop });
      await Promise.all([server, ingest].map((s) => new Promise((resolve) => s.close(resolve))));
    },
  };
}
