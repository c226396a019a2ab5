/**
 * Site telemetry, written once: the figures a site agent reports every heartbeat, their bounds,
 * the Prometheus metric each becomes, and egress saturation (the one derived figure the
 * diagnosis, the fleet summary and the console share). Telemetry is never stored in a Site's
 * status: its history lives in Prometheus (the operators export the latest sample of every
 * heard-from site and remote-write what agents replay after an outage).
 */
import { type Static, Strict, Type } from './schema.ts';

export const SiteTelemetry = Strict(
  {
    activeStreams: Type.Integer({ minimum: 0, maximum: 1e6, description: 'Concurrent streams now.' }),
    egressMbps: Type.Number({ minimum: 0, maximum: 1e6, description: 'Egress now, Mbps.' }),
    cacheHitRatio: Type.Number({
      minimum: 0,
      maximum: 1,
      description: 'Share of segments served from the cache.',
    }),
    storageUsedGB: Type.Number({ minimum: 0, maximum: 1e6, description: 'Content storage in use, GB.' }),
    acceleratorsHealthy: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 64,
        description:
          'Stream accelerators working, as the device plugin reports them; absent where none reports.',
      }),
    ),
    drmDenials: Type.Integer({
      minimum: 0,
      maximum: 1e9,
      description: 'License requests refused since the last heartbeat.',
    }),
    admissionRefusals: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 1e9,
        description:
          'Playback sessions the edge refused (egress budget, subscriber limit) since the last heartbeat; absent where no edge reports.',
      }),
    ),
    errors: Type.Integer({
      minimum: 0,
      maximum: 1e9,
      description: 'Service errors since the last heartbeat.',
    }),
  },
  { description: 'What a site agent reports every heartbeat.' },
);
export type SiteTelemetry = Static<typeof SiteTelemetry>;

export type TelemetryField = keyof SiteTelemetry;
export const TELEMETRY_FIELDS = Object.keys(SiteTelemetry.properties) as TelemetryField[];
/**
 * Fields a site may leave out when nothing measures them (no device plugin: no accelerator
 * count). An absent figure is shown and judged as unknown, never as zero.
 */
export const OPTIONAL_TELEMETRY_FIELDS: readonly TelemetryField[] = [
  'acceleratorsHealthy',
  'admissionRefusals',
];
/** What every sample carries; a sample (or a series point) without one of these is incomplete. */
export const REQUIRED_TELEMETRY_FIELDS = TELEMETRY_FIELDS.filter(
  (f) => !OPTIONAL_TELEMETRY_FIELDS.includes(f),
);

/** One sample an agent took: the telemetry, at a time (milliseconds since the epoch). */
export interface TelemetrySample {
  at: number;
  telemetry: SiteTelemetry;
}

/** The gauge the operators export for each field (the API's PromQL reads the same names). */
export const TELEMETRY_METRICS: Readonly<Record<TelemetryField, string>> = {
  activeStreams: 'smart_fleet_site_active_streams',
  egressMbps: 'smart_fleet_site_egress_mbps',
  cacheHitRatio: 'smart_fleet_site_cache_hit_ratio',
  storageUsedGB: 'smart_fleet_site_storage_used_gb',
  acceleratorsHealthy: 'smart_fleet_site_accelerators_healthy',
  drmDenials: 'smart_fleet_site_drm_denials',
  admissionRefusals: 'smart_fleet_site_admission_refusals',
  errors: 'smart_fleet_site_errors',
};

/**
 * The labels every telemetry series carries: the site's key and what the API aggregates and
 * filters by. Nothing per sample, so the series count is sites x fields (168,000 at 21,000: 8 fields).
 */
export const TELEMETRY_LABELS = ['namespace', 'site', 'region', 'tenant'] as const;
export type TelemetryLabels = Record<(typeof TELEMETRY_LABELS)[number], string>;

/**
 * Set on the series the operators remote-write from an agent's replay; live (scraped) series
 * lack it. The latest-value feed reads live series only, history reads both.
 */
export const REPLAY_LABEL = 'replay';

/**
 * How far back an agent's replay after a hub outage can reach: Prometheus's out-of-order window
 * (`storage.tsdb.out_of_order_time_window`), the operators' check before they write, and the
 * agent's buffer (10,080 samples at 5 s beats) all come from it. 12 h outages fit, with room.
 */
export const DEFAULT_REPLAY_WINDOW_MS = 14 * 3_600_000;
export const DEFAULT_HEARTBEAT_MS = 5000;

/** A site is saturated over this share of its egress budget (diagnosis, summary, console). */
export const SATURATION_THRESHOLD = 0.9;

/** Reported egress as a share of the site's budget; 0 without a budget. */
export function egressSaturation(telemetry: Pick<SiteTelemetry, 'egressMbps'>, budgetMbps: number): number {
  return budgetMbps > 0 ? telemetry.egressMbps / budgetMbps : 0;
}

export function isSaturated(
  telemetry: Pick<SiteTelemetry, 'egressMbps'>,
  budgetMbps: number,
  threshold = SATURATION_THRESHOLD,
): boolean {
  return budgetMbps > 0 && egressSaturation(telemetry, budgetMbps) > threshold;
}

/** Why `v` is not a value of `field` within the schema's bounds, or undefined. */
function fieldProblem(field: TelemetryField, v: unknown): string | undefined {
  const bounds = SiteTelemetry.properties[field] as { type: string; minimum: number; maximum: number };
  const integer = bounds.type === 'integer';
  const ok =
    typeof v === 'number' &&
    Number.isFinite(v) &&
    v >= bounds.minimum &&
    v <= bounds.maximum &&
    (!integer || Number.isInteger(v));
  return ok
    ? undefined
    : `must be ${integer ? 'an integer' : 'a number'} from ${bounds.minimum} to ${bounds.maximum}`;
}

/**
 * Checks a value as telemetry against the schema's bounds: the telemetry (only its known
 * fields), or a problem naming the first bad field under `path` (`telemetry.egressMbps must
 * be a number from 0 to 1000000`).
 */
export function checkTelemetry(
  value: unknown,
  path = 'telemetry',
): { telemetry: SiteTelemetry; problem?: undefined } | { telemetry?: undefined; problem: string } {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { problem: `${path} must be an object` };
  }
  const raw = value as Record<string, unknown>;
  const telemetry: Record<string, number> = {};
  for (const field of TELEMETRY_FIELDS) {
    const v = raw[field];
    if (v === undefined && OPTIONAL_TELEMETRY_FIELDS.includes(field)) {
      continue;
    }
    const problem = fieldProblem(field, v);
    if (problem) {
      return { problem: `${path}.${field} ${problem}` };
    }
    telemetry[field] = v as number;
  }
  return { telemetry: telemetry as SiteTelemetry };
}
