/**
 * Child process for the API benchmark: site status writes at a fixed rate, as the health
 * controller makes them in a live fleet (21,000 sites persisted once a minute is 350 writes a
 * second), so the API under load also keeps its view and summaries current. Telemetry is not
 * in the status (it lives in Prometheus: the benchmark's exporter serves it).
 *   node bench/load/status-churn.ts '<{"kubeconfig","namespace","ratePerSecond","durationSeconds"}>'
 * Prints `listed` once it has the sites and starts writing, and {"writes": n, "errors": n} when done.
 */

import { PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { connect, forEachLimited, listAll } from '@smart-fleet/kube';
import { API_GROUP, API_VERSION, SITE_PHASES, seededRandom, siteKind } from '@smart-fleet/model';

interface ChurnSpec {
  kubeconfig: string;
  namespace: string;
  ratePerSecond: number;
  durationSeconds: number;
}

const spec = JSON.parse(process.argv[2] ?? '{}') as ChurnSpec;
const client = connect(spec.kubeconfig);
const sites = (await listAll(client, 'Site', spec.namespace)).map((s) => s.metadata?.name ?? '');
// The bench measures from here: listing 21,000 sites is this process's cost, not the churn's.
process.stdout.write('listed\n');
const random = seededRandom(42);
const LIVE_PHASES = SITE_PHASES.filter((p) => p === 'Ready' || p === 'Degraded' || p === 'Offline');

function statusFor() {
  return {
    phase: random() < 0.9 ? 'Ready' : LIVE_PHASES[Math.floor(random() * LIVE_PHASES.length)],
    lastHeartbeat: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
  };
}

let writes = 0;
let errors = 0;
const total = Math.round(spec.ratePerSecond * spec.durationSeconds);
const started = Date.now();
await forEachLimited(
  Array.from({ length: total }, (_, i) => i),
  32,
  async (i) => {
    const due = started + (i * 1000) / spec.ratePerSecond;
    const wait = due - Date.now();
    if (wait > 0) {
      await new Promise((resolve) => setTimeout(resolve, wait)); // pacing to the fixed rate, not readiness
    }
    try {
      await client.custom.patchNamespacedCustomObjectStatus(
        {
          group: API_GROUP,
          version: API_VERSION,
          namespace: spec.namespace,
          plural: siteKind.plural,
          name: sites[i % sites.length] as string,
          body: { status: statusFor() },
        },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      );
      writes++;
    } catch {
      errors++;
    }
  },
);
process.stdout.write(`${JSON.stringify({ writes, errors })}\n`, () => process.exit(0));
