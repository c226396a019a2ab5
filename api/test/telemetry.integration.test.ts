/**
 * Telemetry through the API from a real Prometheus: an exporter serving sites' latest samples
 * under the operators' metric names is scraped every second; the API's feed pulls the latest
 * values into the view (sorting, the summary, Site.telemetry) and answers series with range
 * queries. A Prometheus that does not answer fails the telemetry fields alone, typed; label
 * values that are not the model's names never reach PromQL.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { waitFor } from '@smart-fleet/kube';
import { type Site, type SiteTelemetry, TELEMETRY_FIELDS, TELEMETRY_METRICS } from '@smart-fleet/model';
import { type ApiHarness, apiHarness } from '../../test/support/api-server.ts';
import { type TestPrometheus, testPrometheus } from '../../test/support/test-prometheus.ts';

let h: ApiHarness;
let prometheus: TestPrometheus;
let exporter: Server;
/** Scrapes the exporter answered, and when the last came (ms): a failure says whether Prometheus kept scraping. */
const scrapes = { count: 0, lastAt: 0 };
const target = `api-telemetry-${process.pid}`;
/** What the exporter serves now, by site name. */
const exported = new Map<string, SiteTelemetry>();
let sites: Site[] = [];

const calm = (activeStreams: number, egressMbps: number): SiteTelemetry => ({
  activeStreams,
  egressMbps,
  cacheHitRatio: 0.9,
  storageUsedGB: 300,
  acceleratorsHealthy: 2,
  drmDenials: 0,
  admissionRefusals: 0,
  errors: 0,
});

function exposition(): string {
  return TELEMETRY_FIELDS.flatMap((field) =>
    [...exported].flatMap(([name, t]) => {
      const site = sites.find((s) => s.metadata.name === name) as Site;
      const labels = `namespace="${h.namespace}",site="${name}",region="${site.spec.location.region}",tenant="${site.spec.tenant}"`;
      // An optional figure a site does not report has no series, as the operators export it.
      return t[field] === undefined ? [] : [`${TELEMETRY_METRICS[field]}{${labels}} ${t[field]}`];
    }),
  ).join('\n');
}

before(async () => {
  prometheus = await testPrometheus();
  h = await apiHarness({
    sites: 12,
    prefix: 'api-telemetry',
    serverOptions: { prometheusUrl: prometheus.url, scrapeIntervalMs: prometheus.scrapeIntervalMs },
  });
  sites = [...h.api.view.sites.values()];
  sites.sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
  // Streams rise with the name, the last site saturated (over 90% of its budget).
  sites.slice(0, 6).forEach((s, i) => {
    const budget = s.spec.streaming.egressBudgetMbps;
    exported.set(s.metadata.name, calm(10 * (i + 1), i === 5 ? budget * 0.95 : budget * 0.1));
  });
  exporter = createServer((_req, res) => {
    scrapes.count += 1;
    scrapes.lastAt = Date.now();
    res.writeHead(200, { 'content-type': 'text/plain' }).end(`${exposition()}\n`);
  });
  await new Promise<void>((resolve) => exporter.listen(0, '127.0.0.1', resolve));
  const address = exporter.address();
  prometheus.scrape(target, `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`);
});

after(async () => {
  prometheus?.unscrape(target);
  await h?.stop();
  await new Promise((resolve) => exporter?.close(resolve));
});

const SUMMARY = '{ fleetSummary { activeStreams egressMbps saturatedSites } }';
/** A Site's Relay global id, as node(id:) takes it. */
const siteId = (name: string | undefined) => Buffer.from(`Site:${h.namespace}/${name}`).toString('base64');
const expectedStreams = () => [...exported.values()].reduce((n, t) => n + t.activeStreams, 0);

/**
 * For a failure message: how far the new value got (exporter scraped? stored in Prometheus? up?),
 * so a failure in a full run says which hop stopped without rerunning it.
 */
async function whereTelemetryStopped(name: string): Promise<string> {
  const ask = (promql: string) =>
    prometheus.query(promql).then(
      (r) => JSON.stringify(r.map((s) => [s.metric.instance ?? s.metric.site, ...s.value])),
      (e: Error) => e.message,
    );
  const address = exporter.address();
  const instance = `127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  return [
    `now ${Date.now() / 1000}`,
    `exporter scraped ${scrapes.count} times, last at ${scrapes.lastAt / 1000}`,
    `Prometheus time ${await ask('vector(time())')}`,
    `up ${await ask(`up{instance="${instance}"}`)}`,
    `stored ${await ask(`timestamp(${TELEMETRY_METRICS.activeStreams}{namespace="${h.namespace}",site="${name}"})`)}`,
    `value ${await ask(`${TELEMETRY_METRICS.activeStreams}{namespace="${h.namespace}",site="${name}"}`)}`,
    `targets ${await ask('count by (job) (up)')}`,
  ].join('; ');
}

describe('telemetry from Prometheus', () => {
  it('feeds the latest values into the summary, the ACTIVE_STREAMS order and Site.telemetry', async () => {
    const summary = await waitFor(
      async () => {
        const answer = await h.gql(h.noc, SUMMARY);
        return answer.data?.fleetSummary?.activeStreams === expectedStreams() && answer.data.fleetSummary;
      },
      { what: 'the summary to show the exported streams', timeoutMs: 30000 },
    );
    assert.equal(summary.saturatedSites, 1);
    const page = await h.gql(
      h.noc,
      `{ sites(first: 3, sort: {field: ACTIVE_STREAMS, direction: ASC}) { edges { node { name telemetry { activeStreams cacheHitRatio } } } } }`,
    );
    assert.equal(page.errors, undefined, JSON.stringify(page.errors));
    assert.deepEqual(
      page.data.sites.edges.map((e: { node: { name: string; telemetry: { activeStreams: number } } }) => [
        e.node.name,
        e.node.telemetry.activeStreams,
      ]),
      [0, 1, 2].map((i) => [sites[i]?.metadata.name, 10 * (i + 1)]),
    );
    const quiet = await h.gql(
      h.noc,
      `{ node(id: "${siteId(sites[8]?.metadata.name)}") { ... on Site { telemetry { activeStreams } } } }`,
    );
    assert.equal(quiet.data.node.telemetry, null, 'a site that never reported has telemetry');
  });

  it('answers a cached summary again only until the next pull changes it', async () => {
    const first = await h.gql(h.noc, SUMMARY);
    const name = sites[0]?.metadata.name as string;
    exported.set(name, { ...(exported.get(name) as SiteTelemetry), activeStreams: 1000 });
    let seen: unknown;
    await waitFor(
      async () => {
        const answer = await h.gql(h.noc, SUMMARY);
        seen = { summary: answer.data?.fleetSummary, errors: answer.errors };
        return answer.data?.fleetSummary?.activeStreams === expectedStreams();
      },
      // Two seconds on a quiet machine (a scrape, then a pull); the deadline only bounds a hang,
      // and a machine also running the 21,000-site benchmark once took over 30 s.
      { what: 'the cached summary to follow the new telemetry', timeoutMs: 60000 },
    ).catch(async (error: Error) => {
      throw new Error(
        `${error.message}; expected ${expectedStreams()} streams, last saw ${JSON.stringify(seen)}; ${await whereTelemetryStopped(name)}`,
      );
    });
    assert.notEqual(first.data.fleetSummary.activeStreams, expectedStreams());
  });

  it('gives per-site and per-region series from range queries, oldest first, bounded', async () => {
    const name = sites[5]?.metadata.name as string;
    const since = new Date(Date.now() - 60_000).toISOString();
    const answer = await waitFor(
      async () => {
        const a = await h.gql(
          h.noc,
          `query($id: ID!, $since: DateTime) { node(id: $id) { ... on Site { telemetrySeries(since: $since) { at activeStreams errors } } } }`,
          { id: siteId(name), since },
        );
        return (a.data?.node?.telemetrySeries?.length ?? 0) >= 3 && a;
      },
      { what: 'three points of the site series', timeoutMs: 30000 },
    );
    const points = answer.data.node.telemetrySeries as { at: string; activeStreams: number }[];
    assert.ok(points.length <= 720);
    assert.ok(points.every((p) => p.activeStreams === 60));
    assert.deepEqual(
      points.map((p) => p.at),
      [...points.map((p) => p.at)].sort(),
    );
    const region = sites[5]?.spec.location.region;
    const series = await h.gql(
      h.noc,
      `query($r: String) { regionSeries(region: $r, since: "${since}") { at sites activeStreams egressCapacityMbps } }`,
      {
        r: region,
      },
    );
    assert.equal(series.errors, undefined, JSON.stringify(series.errors));
    const last = series.data.regionSeries.at(-1);
    const inRegion = [...exported].filter(
      ([n]) => sites.find((s) => s.metadata.name === n)?.spec.location.region === region,
    );
    assert.equal(last.sites, inRegion.length);
    assert.equal(
      last.activeStreams,
      inRegion.reduce((n, [, t]) => n + t.activeStreams, 0),
    );
    assert.ok(last.egressCapacityMbps > 0);
  });

  it('refuses a region that is not one of the model’s codes before any PromQL is built', async () => {
    const answer = await h.gql(h.noc, `{ regionSeries(region: "seoul\\"} or vector(1) #") { at } }`);
    assert.equal(answer.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT');
    assert.match(answer.errors?.[0]?.message ?? '', /region must be one of the region codes/);
  });
});

describe('telemetry with Prometheus down', () => {
  it('fails the series field alone with UNAVAILABLE and answers the rest; latest telemetry is null', async () => {
    const down = await apiHarness({
      sites: 2,
      prefix: 'api-no-prom',
      serverOptions: { prometheusUrl: 'http://127.0.0.1:1', scrapeIntervalMs: 1000 },
    });
    try {
      const name = [...down.api.view.sites.values()][0]?.metadata.name;
      const answer = await down.gql(
        down.noc,
        `{ node(id: "${Buffer.from(`Site:${down.namespace}/${name}`).toString('base64')}") { ... on Site { name telemetry { activeStreams } telemetrySeries { at } } } }`,
      );
      assert.equal(answer.data.node.name, name);
      assert.equal(answer.data.node.telemetry, null);
      assert.equal(answer.data.node.telemetrySeries, null);
      assert.equal(answer.errors?.[0]?.extensions?.code, 'UNAVAILABLE');
      assert.match(
        answer.errors?.[0]?.message ?? '',
        /telemetry is unavailable: Prometheus at http:\/\/127\.0\.0\.1:1 did not answer/,
      );
    } finally {
      await down.stop();
    }
  });
});
