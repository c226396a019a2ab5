/**
 * Per-site telemetry series live with the operators, who receive every heartbeat (the hub only
 * keeps a site's latest figures). The API asks them for the sites a request needs in one call:
 * GET {operators}/v1/telemetry-series?site=ns/a&site=ns/b-> {series: {"ns/a": [...]}}
 */
import type { SiteTelemetry, Static } from '@smart-fleet/model';
import { MAX_SERIES_SITES } from '@smart-fleet/operators';
import { GraphQLError } from 'graphql';

/** One sample an agent reported: the model's SiteTelemetry, at a time (ms). */
export interface TelemetrySample {
  at: number;
  telemetry: Static<typeof SiteTelemetry>;
}

export type SeriesSource = (
  sites: readonly string[],
) => Promise<ReadonlyMap<string, readonly TelemetrySample[]>>;

/**
 * A series source over the operators' HTTP endpoint. When they do not answer, the series field
 * fails alone with a clear error (code UNAVAILABLE); the rest of the query is answered.
 */
export function operatorsSeriesSource(baseUrl: string, timeoutMs = 2000): SeriesSource {
  return async (sites) => {
    const url = new URL('/v1/telemetry-series', baseUrl);
    for (const site of sites.slice(0, MAX_SERIES_SITES)) {
      url.searchParams.append('site', site);
    }
    const unavailable = (why: string) =>
      new GraphQLError(`telemetry series are unavailable: the operators ${why}`, {
        extensions: { code: 'UNAVAILABLE' },
      });
    let response: Response;
    try {
      response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    } catch {
      throw unavailable(`did not answer within ${timeoutMs} ms`);
    }
    if (!response.ok) {
      throw unavailable(`answered HTTP ${response.status}`);
    }
    const body = (await response.json()) as { series?: Record<string, TelemetrySample[]> };
    return new Map(Object.entries(body.series ?? {}));
  };
}

/** A source for when no operators are configured: every series is empty. */
export const noSeries: SeriesSource = async () => new Map();
