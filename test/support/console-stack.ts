/**
 * What `npm start` runs, on free ports, for the console's end-to-end tests and benchmark: the
 * hub (the test hub) and the test Prometheus, the sample fleet (scripts/sample-fleet.ts) in a
 * namespace of its own with its operators, two live site agents and the sample release rolled
 * out to them, the development issuer and the API serving the built console under /console, with partners held to the console's persisted-operation allow-list. Composed
 * from the same functions scripts/start.ts calls, not by spawning it.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type ApiServer,
  type DevIssuer,
  readPartnerOperations,
  startApiServer,
  startDevIssuer,
} from '@smart-fleet/api';
import { CONSOLE_DIST, ensureConsoleBuilt } from '@smart-fleet/console';
import { listAll, silentLogger } from '@smart-fleet/kube';
import { localKek, type Manager } from '@smart-fleet/operators';
import { startSampleFleet } from '../../scripts/sample-fleet.ts';
import { type Caller, type GraphqlAnswer, headersFor } from './api-server.ts';
import { type TestHub, testHub, uniqueNamespace } from './test-hub.ts';
import { type TestPrometheus, testPrometheus } from './test-prometheus.ts';

export const CONSOLE_CLIENT_ID = 'smart-fleet-console';

export interface ConsoleStack {
  hub: TestHub;
  namespace: string;
  /** Sites in the sample fleet. */
  sites: number;
  manager: Manager;
  issuer: DevIssuer;
  api: ApiServer;
  consoleUrl: string;
  /** Sites with live agents (Ready, reporting telemetry). */
  liveSites: string[];
  operator: Caller;
  noc: Caller;
  gql(caller: Caller, query: string, variables?: Record<string, unknown>): Promise<GraphqlAnswer>;
  partnerKey(tenant: string, scopes: ('sites:read' | 'content:read' | 'telemetry:read')[]): Promise<string>;
  stop(): Promise<void>;
}

export async function consoleStack(): Promise<ConsoleStack> {
  await ensureConsoleBuilt({ log: (line) => console.error(line) });
  const [hub, prometheus] = await Promise.all([testHub(), testPrometheus()]);
  const namespace = uniqueNamespace('console');
  await hub.client.core.createNamespace({ body: { metadata: { name: namespace } } });
  // What has started so far, stopped in reverse if a later part fails to start.
  const started: (() => Promise<void>)[] = [];
  const unwind = async (error: unknown): Promise<never> => {
    for (const stop of started.reverse()) {
      await stop().catch(() => {});
    }
    throw error;
  };
  return startParts({ hub, prometheus, namespace, started }).catch(unwind);
}

async function startParts(o: {
  hub: TestHub;
  prometheus: TestPrometheus;
  namespace: string;
  started: (() => Promise<void>)[];
}): Promise<ConsoleStack> {
  const { hub, prometheus, namespace, started } = o;
  const fleet = await startSampleFleet({
    client: hub.client,
    hubDir: hub.dir || undefined,
    namespace,
    agentStateRoot: mkdtempSync(join(tmpdir(), 'console-agents-')),
    dataPlaneDir: mkdtempSync(join(tmpdir(), 'console-data-plane-')),
    log: silentLogger,
    operators: {
      namespace,
      drm: localKek(join(mkdtempSync(join(tmpdir(), 'console-kek-')), 'drm-kek')),
      prometheus: { url: prometheus.url, outOfOrderWindowMs: prometheus.outOfOrderWindowMs },
    },
  });
  started.push(() => fleet.stop());
  const target = `console-${namespace}`;
  prometheus.scrape(target, fleet.operators.metricsUrl);
  started.push(async () => prometheus.unscrape(target));
  const issuer = await startDevIssuer({ dir: mkdtempSync(join(tmpdir(), 'console-issuer-')) });
  started.push(() => issuer.stop());
  const api = await startApiServer({
    client: hub.client,
    oidc: issuer.config,
    namespace,
    keysNamespace: namespace,
    prometheusUrl: prometheus.url,
    scrapeIntervalMs: prometheus.scrapeIntervalMs,
    partnerOperations: readPartnerOperations(),
    console: {
      dir: CONSOLE_DIST,
      settings: { apiUrl: '/graphql', oidcIssuer: issuer.issuer, oidcClientId: CONSOLE_CLIENT_ID },
    },
  });
  // Stopped with the rest: left running, its watches kept the test process alive after the suite.
  started.push(() => api.stop());
  const gql = async (
    caller: Caller,
    query: string,
    variables?: Record<string, unknown>,
  ): Promise<GraphqlAnswer> => {
    const response = await fetch(api.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', ...headersFor(caller) },
      body: JSON.stringify({ query, variables }),
    });
    return { status: response.status, ...((await response.json()) as Omit<GraphqlAnswer, 'status'>) };
  };
  return {
    hub,
    namespace,
    sites: (await listAll(hub.client, 'Site', namespace)).length,
    manager: fleet.operators,
    issuer,
    api,
    consoleUrl: api.consoleUrl ?? '',
    liveSites: fleet.liveSites.map((s) => s.site),
    operator: { bearer: await issuer.sign({ sub: 'olivia', roles: ['operator'] }) },
    noc: { bearer: await issuer.sign({ sub: 'nam', roles: ['noc'] }) },
    gql,
    async partnerKey(tenant, scopes) {
      return (await api.apiKeys.create({ tenant, name: `e2e key for ${tenant}`, scopes, createdBy: 'e2e' }))
        .key;
    },
    async stop() {
      for (const stop of started.reverse()) {
        await stop();
      }
    },
  };
}
