import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import { after, before, test } from 'node:test';
import { Registry, serveMetrics } from '@smart-fleet/kube';
import { HeartbeatStore, TELEMETRY_SERIES_PATH, telemetrySeriesRoute } from '@smart-fleet/operators';
import { GraphQLError } from 'graphql';
import { operatorsSeriesSource } from './series-source.ts';

const telemetry = (activeStreams: number) => ({
  activeStreams,
  egressMbps: activeStreams * 6,
  cacheHitRatio: 0.8,
  storageUsedGB: 400,
  acceleratorsHealthy: 2,
  drmDenials: 0,
  errors: 0,
});

let server: Server;
let url: string;

before(async () => {
  const store = new HeartbeatStore();
  store.record('fleet/apt-1', { at: 1000, telemetry: telemetry(10) });
  store.addSamples('fleet/apt-1', [{ at: 500, telemetry: telemetry(5) }]);
  store.record('fleet/apt-2', { at: 1000, telemetry: telemetry(20) });
  server = await serveMetrics({
    registry: new Registry(),
    health: { ready: () => true },
    port: 0,
    extra: { [TELEMETRY_SERIES_PATH]: telemetrySeriesRoute(store) },
  });
  const address = server.address();
  url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});
after(() => new Promise((resolve) => server.close(resolve)));

test('series for a batch of sites come from the operators in one request, oldest first', async () => {
  const series = await operatorsSeriesSource(url)(['fleet/apt-1', 'fleet/apt-2', 'fleet/unheard']);
  assert.deepEqual(
    series.get('fleet/apt-1')?.map((s) => [s.at, s.telemetry.activeStreams]),
    [
      [500, 5],
      [1000, 10],
    ],
  );
  assert.equal(series.get('fleet/apt-2')?.length, 1);
  assert.deepEqual(series.get('fleet/unheard'), []);
});

test('operators that do not answer make a clear, typed error, not an empty series', async () => {
  const closed = 'http://127.0.0.1:1';
  await assert.rejects(operatorsSeriesSource(closed, 500)(['fleet/apt-1']), (error: unknown) => {
    assert.ok(error instanceof GraphQLError);
    assert.equal(error.extensions.code, 'UNAVAILABLE');
    assert.match(error.message, /operators did not answer/);
    return true;
  });
  const tooMany = Array.from({ length: 201 }, (_, i) => `fleet/s-${i}`);
  const response = await fetch(`${url}${TELEMETRY_SERIES_PATH}?${tooMany.map((s) => `site=${s}`).join('&')}`);
  assert.equal(response.status, 400);
});
