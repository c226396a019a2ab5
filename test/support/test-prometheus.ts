/**
 * The Prometheus integration tests scrape into and query: the one `npm test` started
 * (SMART_FLEET_TEST_PROMETHEUS_DIR), or, when a test file runs on its own, a private one this
 * process starts and stops. Tests register their operators' /metrics as a scrape target (a
 * file Prometheus watches), named per test so files never scrape each other's processes.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  addScrapeTarget,
  freePort,
  type PrometheusInfo,
  removeScrapeTarget,
  startPrometheus,
  stopPrometheus,
} from '@smart-fleet/hub';

/** Tests scrape every second: a sample is in Prometheus a second or two after it is exported. */
export const TEST_SCRAPE_INTERVAL_MS = 1000;

export interface TestPrometheus extends PrometheusInfo {
  /** Scrapes `metricsUrl` under `name` until `unscrape(name)`. */
  scrape(name: string, metricsUrl: string): void;
  unscrape(name: string): void;
  /** An instant query's result vector (throws on a PromQL error). */
  query(promql: string): Promise<{ metric: Record<string, string>; value: [number, string] }[]>;
  /** The raw samples of a range selector over one series (`metric{...}[1h]`), oldest first. */
  range(promql: string): Promise<[number, string][]>;
}

async function instant<T>(base: string, promql: string): Promise<T[]> {
  const url = new URL('/api/v1/query', base);
  url.searchParams.set('query', promql);
  const body = (await (await fetch(url)).json()) as {
    status: string;
    error?: string;
    data?: { result: T[] };
  };
  if (body.status !== 'success') {
    throw new Error(`PromQL ${promql}: ${body.error}`);
  }
  return body.data?.result ?? [];
}

let shared: Promise<TestPrometheus> | undefined;

async function privatePrometheus(): Promise<PrometheusInfo> {
  const dir = mkdtempSync(join(tmpdir(), 'smart-fleet-test-prometheus-'));
  const info = await startPrometheus({
    dir,
    port: await freePort(),
    scrapeIntervalMs: TEST_SCRAPE_INTERVAL_MS,
    retention: '2d',
    log: () => {},
  });
  let stopping = false;
  process.on('beforeExit', () => {
    if (!stopping) {
      stopping = true;
      void stopPrometheus(dir, () => {}).finally(() => rmSync(dir, { recursive: true, force: true }));
    }
  });
  return info;
}

export function testPrometheus(): Promise<TestPrometheus> {
  shared ??= (async () => {
    const fromRunner = process.env.SMART_FLEET_TEST_PROMETHEUS_DIR;
    const info = fromRunner
      ? (JSON.parse(readFileSync(join(fromRunner, 'state.json'), 'utf8')) as PrometheusInfo)
      : await privatePrometheus();
    return {
      ...info,
      scrape: (name, metricsUrl) => addScrapeTarget(info.dir, name, metricsUrl),
      unscrape: (name) => removeScrapeTarget(info.dir, name),
      query: (promql) => instant(info.url, promql),
      async range(promql) {
        const series = await instant<{ values: [number, string][] }>(info.url, promql);
        if (series.length > 1) {
          throw new Error(`PromQL ${promql}: ${series.length} series, expected one`);
        }
        return series[0]?.values ?? [];
      },
    };
  })();
  return shared;
}
