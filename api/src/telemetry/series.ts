/**
 * Telemetry over time, as PromQL range queries: per site (every field, for a page of sites in
 * one query per namespace) and per region or the nation (sums over the sites that reported).
 * Live (scraped) and replayed series of a site are merged by `max by (namespace, site)`, so an
 * outage an agent replayed reads as one series. The step follows the range, so a series never
 * has more than MAX_SERIES_POINTS points, and never finer than the scrape interval.
 */

import {
  REQUIRED_TELEMETRY_FIELDS,
  type SiteTelemetry,
  TELEMETRY_METRICS,
  type TelemetrySample,
} from '@smart-fleet/model';
import type { PrometheusClient } from './prometheus-client.ts';
import {
  ANY_TELEMETRY_METRIC,
  checkedRegion,
  FIELD_OF_METRIC,
  promqlString,
  sitesMatcher,
} from './promql.ts';

export const MAX_SERIES_POINTS = 720;
/** Sites per series request: a page of sites, with room (the loader batches up to this). */
export const MAX_SERIES_SITES = 200;
export const DEFAULT_SERIES_RANGE_MS = 24 * 3_600_000;
export const MAX_SERIES_RANGE_MS = 31 * 24 * 3_600_000;

export interface SeriesWindow {
  start: Date;
  end: Date;
  stepMs: number;
}

/** From `since` (default a day ago, at most 31 days) to now, in at most MAX_SERIES_POINTS steps. */
export function seriesWindow(since: Date | undefined, now: Date, scrapeIntervalMs: number): SeriesWindow {
  const end = now.getTime();
  const start = Math.min(
    end,
    Math.max(since?.getTime() ?? end - DEFAULT_SERIES_RANGE_MS, end - MAX_SERIES_RANGE_MS),
  );
  const perPoint = Math.ceil((end - start) / (MAX_SERIES_POINTS - 1) / 1000) * 1000;
  const stepMs = Math.max(scrapeIntervalMs, perPoint);
  return { start: new Date(start), end: new Date(end), stepMs };
}

/** Each site's samples (`namespace/name` -> oldest first); sites with no data get []. */
export async function siteSeries(
  prometheus: PrometheusClient,
  keys: readonly string[],
  window: SeriesWindow,
): Promise<Map<string, TelemetrySample[]>> {
  const byNamespace = new Map<string, string[]>();
  for (const key of keys.slice(0, MAX_SERIES_SITES)) {
    const slash = key.indexOf('/');
    const names = byNamespace.get(key.slice(0, slash)) ?? [];
    names.push(key.slice(slash + 1));
    byNamespace.set(key.slice(0, slash), names);
  }
  const points = new Map<string, Map<number, Partial<SiteTelemetry>>>();
  await Promise.all(
    [...byNamespace].map(async ([namespace, names]) => {
      const promql = `max by (__name__, namespace, site) ({${ANY_TELEMETRY_METRIC},${sitesMatcher(namespace, names)}})`;
      for (const series of await prometheus.queryRange(promql, window)) {
        const field = FIELD_OF_METRIC.get(series.metric.__name__ ?? '');
        const key = `${series.metric.namespace}/${series.metric.site}`;
        const byTime = points.get(key) ?? new Map<number, Partial<SiteTelemetry>>();
        points.set(key, byTime);
        for (const [t, v] of field ? series.values : []) {
          const at = Math.round(t * 1000);
          byTime.set(at, { ...byTime.get(at), [field as string]: Number(v) });
        }
      }
    }),
  );
  return new Map(
    keys.map((key) => [
      key,
      [...(points.get(key) ?? [])]
        .filter(([, t]) => REQUIRED_TELEMETRY_FIELDS.every((f) => t[f] !== undefined))
        .sort((a, b) => a[0] - b[0])
        .map(([at, telemetry]) => ({ at, telemetry: telemetry as SiteTelemetry })),
    ]),
  );
}

export interface RegionPoint {
  at: string;
  /** Sites that reported at that time. */
  sites: number;
  activeStreams: number;
  egressMbps: number;
}

/** A region's (or, without one, the nation's) reported sites, streams and egress over the window. */
export async function regionSeries(
  prometheus: PrometheusClient,
  region: string | undefined,
  window: SeriesWindow,
): Promise<RegionPoint[]> {
  const matcher = region === undefined ? '' : `{region=${promqlString(checkedRegion(region))}}`;
  const perSite = (field: 'activeStreams' | 'egressMbps') =>
    `max by (namespace, site) (${TELEMETRY_METRICS[field]}${matcher})`;
  const [sites, streams, egress] = await Promise.all([
    prometheus.queryRange(`count(${perSite('egressMbps')})`, window),
    prometheus.queryRange(`sum(${perSite('activeStreams')})`, window),
    prometheus.queryRange(`sum(${perSite('egressMbps')})`, window),
  ]);
  const at = new Map<number, RegionPoint>();
  const put = (series: typeof sites, key: 'sites' | 'activeStreams' | 'egressMbps') => {
    for (const [t, v] of series[0]?.values ?? []) {
      const point = at.get(t) ?? {
        at: new Date(t * 1000).toISOString(),
        sites: 0,
        activeStreams: 0,
        egressMbps: 0,
      };
      point[key] = Number(v);
      at.set(t, point);
    }
  };
  put(sites, 'sites');
  put(streams, 'activeStreams');
  put(egress, 'egressMbps');
  return [...at.entries()].sort((a, b) => a[0] - b[0]).map(([, p]) => p);
}
