/**
 * The API's read of per-site telemetry series, served beside the operators' metrics:
 *   GET /v1/telemetry-series?site=ns/a&site=ns/b  ->  {"series": {"ns/a": [{at, telemetry}], ...}}
 * At most 200 sites a request (a page of sites, with room); a site never heard from has [].
 */
import type { RouteAnswer } from '../runtime/metrics.ts';
import type { HeartbeatStore } from './heartbeat-store.ts';

export const TELEMETRY_SERIES_PATH = '/v1/telemetry-series';
export const MAX_SERIES_SITES = 200;

export function telemetrySeriesRoute(store: HeartbeatStore): (url: URL) => RouteAnswer {
  return (url) => {
    const sites = url.searchParams.getAll('site');
    if (sites.length > MAX_SERIES_SITES) {
      return { code: 400, body: `at most ${MAX_SERIES_SITES} sites per request`, type: 'text/plain' };
    }
    const series = Object.fromEntries(sites.map((site) => [site, store.history(site)]));
    return { code: 200, body: JSON.stringify({ series }), type: 'application/json' };
  };
}
