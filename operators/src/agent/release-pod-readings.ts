/**
 * The heartbeat's figures where the release runs as pods on the site's node: each Ready streaming
 * edge pod's reading from its status port (services/src/edge/edge-status-server.ts) and each
 * Ready license proxy pod's denial count from its /metrics, fetched over the node's pod network
 * once a heartbeat. Several edge replicas add up (streams, egress, storage, errors, refusals;
 * the cache hit ratio weighted by egress); the fill is the least-filled replica's, since a title
 * is there for every subscriber only once every replica has it.
 *
 * With no Ready edge pod nothing is being served, so the edge's figures are zeros: measured, not
 * assumed. A Ready pod that does not answer is left out of that heartbeat's sums and logged (once,
 * until it answers again); it is not counted among the errors, which are what subscribers got
 * (5xx), and which the rollout's health gate judges the release by.
 */
import type { V1Pod } from '@kubernetes/client-node';
import { type KubeClient, type Logger, withTimeout } from '@smart-fleet/kube';
import { EDGE_SERVICE, LICENSE_PROXY_SERVICE, SITE_CONTAINER_PORT } from '@smart-fleet/model';
import {
  EDGE_STATUS_PORT,
  EDGE_TELEMETRY_PATH,
  type EdgeReading,
  type EdgeTelemetry,
  type FillProgress,
  IDLE_EDGE,
  LICENSE_DENIALS_METRIC,
} from '@smart-fleet/services';
import { NodeAccelerators } from './node-accelerators.ts';
import { releaseSelector, SITE_NAMESPACE } from './render.ts';
import { releasePodServices, siteTelemetry } from './site-services.ts';

const READ_TIMEOUT_MS = 2000;
/** A reading is a few hundred bytes; anything far larger is not one. */
const MAX_READING_BYTES = 64 * 1024;
const DENIALS_LINE = new RegExp(`^${LICENSE_DENIALS_METRIC} (\\d+(?:\\.\\d+)?(?:e\\+\\d+)?)$`, 'm');

export class ReleasePodReadings {
  readonly #client: KubeClient;
  readonly #log: Logger;
  #fill: FillProgress | undefined;
  #listing: Promise<V1Pod[]> | undefined;
  readonly #failing = new Set<string>();

  constructor(o: { siteClient: KubeClient; log: Logger }) {
    this.#client = o.siteClient;
    this.#log = o.log;
  }

  /** The edge pods' figures now (each pod's window since the previous reading). */
  async edge(): Promise<EdgeTelemetry> {
    const pods = await this.#readyPods(EDGE_SERVICE);
    const readings = await Promise.all(
      pods.map((pod) =>
        this.#get(pod, EDGE_STATUS_PORT.port, EDGE_TELEMETRY_PATH).then((text) =>
          text === undefined ? undefined : (JSON.parse(text) as EdgeReading),
        ),
      ),
    );
    const answered = readings.filter((r): r is EdgeReading => r !== undefined);
    this.#fill = answered.length > 0 ? leastFilled(answered.map((r) => r.fill)) : undefined;
    return sum(answered.map((r) => r.telemetry));
  }

  /** The fill as the last edge() read it; undefined before any edge pod answered. */
  fill(): FillProgress | undefined {
    return this.#fill;
  }

  /** License requests the proxy pods denied so far (a running count; a restarted pod starts at 0). */
  async licenseDenied(): Promise<number> {
    const pods = await this.#readyPods(LICENSE_PROXY_SERVICE);
    const counts = await Promise.all(
      pods.map(async (pod) => {
        const metrics = await this.#get(pod, SITE_CONTAINER_PORT, '/metrics');
        return Number(metrics?.match(DENIALS_LINE)?.[1] ?? 0);
      }),
    );
    return counts.reduce((a, b) => a + b, 0);
  }

  async #readyPods(service: string): Promise<V1Pod[]> {
    const wanted = releaseSelector(service);
    const pods = await this.#readyReleasePods();
    return pods.filter((p) => Object.entries(wanted).every(([k, v]) => p.metadata?.labels?.[k] === v));
  }

  /**
   * The Ready pods of the release namespace, listed once for the heartbeat's concurrent readings
   * (edge and proxy): a listing in flight is shared, a finished one is never reused.
   */
  #readyReleasePods(): Promise<V1Pod[]> {
    this.#listing ??= this.#client.core
      .listNamespacedPod({ namespace: SITE_NAMESPACE }, withTimeout(READ_TIMEOUT_MS * 2))
      .then(
        (list) =>
          list.items.filter(
            (p) =>
              !p.metadata?.deletionTimestamp &&
              p.status?.podIP &&
              p.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'),
          ),
        (error: unknown) => {
          this.#warnOnce('list', 'cannot list the release pods', error);
          return [];
        },
      )
      .finally(() => {
        this.#listing = undefined;
      });
    return this.#listing;
  }

  /** One bounded GET from a pod; undefined (logged once until it answers again) when it fails. */
  async #get(pod: V1Pod, port: number, path: string): Promise<string | undefined> {
    const name = pod.metadata?.name ?? '';
    try {
      const res = await fetch(`http://${pod.status?.podIP}:${port}${path}`, {
        signal: AbortSignal.timeout(READ_TIMEOUT_MS),
      });
      const text = await res.text();
      if (!res.ok || text.length > MAX_READING_BYTES) {
        throw new Error(`answered ${res.status} with ${text.length} bytes`);
      }
      if (this.#failing.delete(name)) {
        this.#log.info('reading the release pod works again', { pod: name });
      }
      return text;
    } catch (error) {
      this.#warnOnce(name, `cannot read ${path} from the release pod`, error, { pod: name });
      return undefined;
    }
  }

  #warnOnce(key: string, message: string, error: unknown, fields: Record<string, unknown> = {}): void {
    if (!this.#failing.has(key)) {
      this.#failing.add(key);
      this.#log.error(message, { ...fields, error: (error as Error).message });
    }
  }
}

function sum(readings: readonly EdgeTelemetry[]): EdgeTelemetry {
  if (readings.length === 0) {
    return IDLE_EDGE;
  }
  const add = (field: keyof EdgeTelemetry) => readings.reduce((total, r) => total + r[field], 0);
  const egress = add('egressMbps');
  return {
    activeStreams: add('activeStreams'),
    egressMbps: Math.round(egress * 100) / 100,
    cacheHitRatio:
      egress > 0
        ? readings.reduce((total, r) => total + r.cacheHitRatio * r.egressMbps, 0) / egress
        : add('cacheHitRatio') / readings.length,
    storageUsedGB: Math.round(add('storageUsedGB') * 1000) / 1000,
    errors: add('errors'),
    admissionRefusals: add('admissionRefusals'),
  };
}

function leastFilled(fills: readonly FillProgress[]): FillProgress {
  return fills.reduce((least, f) =>
    f.filledMB / (f.plannedMB || 1) < least.filledMB / (least.plannedMB || 1) ? f : least,
  );
}

/**
 * What the agent reports where its release runs as pods on the site's node: the heartbeat read
 * from the pods and the node's healthy cards, and the fill from the edge pods. `start` begins
 * reading the node (named after the site).
 */
export function releasePodReporting(o: { siteClient: KubeClient; node: string; log: Logger }) {
  const readings = new ReleasePodReadings(o);
  const accelerators = new NodeAccelerators(o);
  return {
    telemetry: siteTelemetry({
      edge: () => readings.edge(),
      licenseDenied: () => readings.licenseDenied(),
      acceleratorsHealthy: () => accelerators.healthy(),
    }),
    services: releasePodServices(readings),
    start: () => accelerators.start(),
    stop: () => accelerators.stop(),
  };
}
