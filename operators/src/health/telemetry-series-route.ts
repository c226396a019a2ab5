/**
 * The API's read of per-site telemetry series, served beside the operators' metrics:
 *   GET /v1/telemetry-series?site=ns/a&site=ns/b  ->  {"series": {"ns/a": [{at, telemetry}], ...}}
 * At most 200 sites a request (a page of sites, with room); a site never heard from has [].
 * With `routing`, a standby (which keeps no heartbeats) answers with the leader's series.
 */
import type { IncomingMessage } from 'node:http';
import type { RouteAnswer } from '@smart-fleet/kube';
import type { HeartbeatStore } from './heartbeat-store.ts';
import { type LeaderRouting, relayToLeader } from './leader-forward.ts';

export const TELEMETRY_SERIES_PATH = '/v1/telemetry-series';
export const MAX_SERIES_SITES = 200;

export function telemetrySeriesRoute(
  store: HeartbeatStore,
  routing?: LeaderRouting,
): (url: URL, req?: IncomingMessage) => RouteAnswer | Promise<RouteAnswer> {
  const local = localSeries(store);
  if (!routing) {
    return local;
  }
  return async (url, req) => {
    if (routing.leading()) {
      return local(url);
    }
    const path = `${url.pathname}${url.search}`;
    const relayed = await relayToLeader(routing, { method: 'GET', path, headers: req?.headers ?? {} });
    return { code: relayed.status, body: relayed.body, type: relayed.type };
  };
}

function localSeries(store: HeartbeatStore): (url: URL) => RouteAnswer {
  return (url) => {
    const sites = url.searchParams.getAll('site');
    if (sites.length > MAX_SERIES_SITES) {
      return { code: 400, body: `at most ${MAX_SERIES_SITES} sites per request`, type: 'text/plain' };
    }
    const series = Object.fromEntries(sites.map((site) => [site, store.history(site)]));
    return { code: 200, body: JSON.stringify({ series }), type: 'application/json' };
  };
}
