/**
 * An API server over a real hub for tests: a namespace with a generated fleet, the development
 * issuer for staff tokens, partner keys on demand, and a GraphQL client that says who it is.
 * Telemetry comes from the test Prometheus (test-prometheus.ts), as in a deployment.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type ApiServer,
  type ApiServerOptions,
  type DevIssuer,
  type PartnerScope,
  startApiServer,
  startDevIssuer,
} from '@smart-fleet/api';
import { applyInventory } from '@smart-fleet/hub';
import { API_GROUP, API_VERSION, type InventoryDocument, parseInventory, siteKind } from '@smart-fleet/model';
import { smallFleet, toYaml } from './fleet-fixtures.ts';
import { type TestHub, testHub, uniqueNamespace } from './test-hub.ts';
import { testPrometheus } from './test-prometheus.ts';

export type Caller = { bearer: string } | { apiKey: string } | Record<string, never>;

export interface GraphqlAnswer {
  status: number;
  data?: any;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[];
}

export interface ApiHarness {
  hub: TestHub;
  namespace: string;
  fleet: InventoryDocument;
  api: ApiServer;
  issuer: DevIssuer;
  operator: Caller;
  noc: Caller;
  partnerKey(tenant: string, scopes: PartnerScope[]): Promise<Caller>;
  gql(caller: Caller, query: string, variables?: Record<string, unknown>): Promise<GraphqlAnswer>;
  stop(): Promise<void>;
}

export function headersFor(caller: Caller): Record<string, string> {
  if ('bearer' in caller) {
    return { authorization: `Bearer ${caller.bearer}` };
  }
  if ('apiKey' in caller) {
    return { 'x-api-key': caller.apiKey as string };
  }
  return {};
}

export async function apiHarness(
  options: {
    sites?: number;
    fleet?: InventoryDocument;
    prefix?: string;
    /** Merged over the harness's own options to startApiServer (rate limits, an allow-list). */
    serverOptions?: Partial<ApiServerOptions>;
  } = {},
) {
  const [hub, prometheus] = await Promise.all([testHub(), testPrometheus()]);
  const namespace = uniqueNamespace(options.prefix ?? 'api');
  await hub.client.core.createNamespace({ body: { metadata: { name: namespace } } });
  const fleet = options.fleet ?? smallFleet(namespace, options.sites ?? 40);
  const parsed = parseInventory([{ file: 'fleet.yaml', text: toYaml(fleet) }]);
  if (!parsed.inventory) {
    throw new Error(`fixture fleet invalid: ${parsed.problems.map((p) => p.message).join('; ')}`);
  }
  await applyInventory(hub.client, parsed.inventory, { concurrency: 64 });
  const issuer = await startDevIssuer({ dir: mkdtempSync(join(tmpdir(), 'api-issuer-')) });
  const api = await startApiServer({
    client: hub.client,
    oidc: issuer.config,
    namespace,
    keysNamespace: namespace,
    // Every test request comes from 127.0.0.1: tests of the limits set their own.
    rateLimits: {
      partner: { ratePerSecond: 1000, burst: 1000 },
      address: {
        requests: { ratePerSecond: 100_000, burst: 100_000 },
        failures: { ratePerSecond: 1000, burst: 1000 },
      },
    },
    prometheusUrl: prometheus.url,
    scrapeIntervalMs: prometheus.scrapeIntervalMs,
    ...options.serverOptions,
  });
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
    const body = (await response.json()) as Omit<GraphqlAnswer, 'status'>;
    return { status: response.status, ...body };
  };
  const operator = {
    bearer: await issuer.sign({ sub: 'olivia', roles: ['operator'], email: 'olivia@example.kr' }),
  };
  const noc = { bearer: await issuer.sign({ sub: 'nam', roles: ['noc'] }) };
  const harness: ApiHarness = {
    hub,
    namespace,
    fleet,
    api,
    issuer,
    operator,
    noc,
    async partnerKey(tenant, scopes) {
      const created = await api.apiKeys.create({
        tenant,
        name: `test key for ${tenant}`,
        scopes,
        createdBy: 'test',
      });
      return { apiKey: created.key };
    },
    gql,
    async stop() {
      await api.stop();
      await issuer.stop();
    },
  };
  return harness;
}

/** Sets a site's status as the health controller would (tests have no agents heartbeating). */
export async function writeSiteStatus(
  client: TestHub['client'],
  namespace: string,
  name: string,
  status: Record<string, unknown>,
): Promise<void> {
  const where = { group: API_GROUP, version: API_VERSION, plural: siteKind.plural, namespace, name };
  const current = (await client.custom.getNamespacedCustomObject(where)) as Record<string, unknown>;
  await client.custom.replaceNamespacedCustomObjectStatus({ ...where, body: { ...current, status } });
}
