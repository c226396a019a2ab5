/**
 * Child process for the API benchmark: the operators' own telemetry export (the leader's
 * gauges, telemetry-metrics.ts) for every site of the fleet, as if each heartbeat every 5 s,
 * served on /metrics for the benchmark's Prometheus to scrape. Streams drift a little each
 * beat, so every pull of the API's feed changes the view, as in a live fleet.
 *   node bench/load/telemetry-exporter.ts '<{"sites":[["ns/name","region","tenant"],...]}>'
 * Prints its metrics URL once it serves.
 */
import { readFileSync } from 'node:fs';
import { Registry, serveMetrics } from '@smart-fleet/kube';
import { seededRandom } from '@smart-fleet/model';
import { HeartbeatStore, registerTelemetryMetrics } from '@smart-fleet/operators';

const { sites } = JSON.parse(readFileSync(process.argv[2] ?? '/dev/null', 'utf8')) as {
  sites: [string, string, string][];
};
const labels = new Map(
  sites.map(([key, region, tenant]) => {
    const slash = key.indexOf('/');
    return [key, { namespace: key.slice(0, slash), site: key.slice(slash + 1), region, tenant }];
  }),
);
const store = new HeartbeatStore();
const random = seededRandom(11);
const beat = () => {
  const now = Date.now();
  for (const [key] of sites) {
    const egressMbps = Math.round(random() * 3000);
    store.record(key, {
      at: now,
      telemetry: {
        activeStreams: Math.round(egressMbps / 6),
        egressMbps,
        cacheHitRatio: 0.8,
        storageUsedGB: 400,
        acceleratorsHealthy: 2,
        drmDenials: 0,
        errors: 0,
      },
    });
  }
};
beat();
setInterval(beat, 5000);
const registry = new Registry();
registerTelemetryMetrics({ registry, store, labelsOf: (key) => labels.get(key), silentAfterMs: 15_000 });
const server = await serveMetrics({ registry, health: { ready: () => true }, port: 0 });
const address = server.address();
process.stdout.write(`http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}\n`);
process.once('SIGTERM', () => process.exit(0));
