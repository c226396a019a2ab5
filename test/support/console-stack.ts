/**
 * What `npm start` runs, on free ports, for the console's end-to-end tests and benchmark: the
 * hub (the test hub), the sample fleet in a namespace of its own, the operators, two live site
 * agents with their own clusters, the development issuer and the API serving the built console
 * under /console, with partners held to the console's persisted-operation allow-list. Composed
 * from the same functions scripts/start.ts calls, not by spawning it.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type ApiServer, type DevIssuer, startApiServer, startDevIssuer } from '@smart-fleet/api';
import { CONSOLE_DIST, ensureConsoleBuilt, partnerOperationsManifest } from '@smart-fleet/console';
import { applyInventory, waitFor } from '@smart-fleet/hub';
import { type FleetObject, type ParsedInventory, parseInventory } from '@smart-fleet/model';
import { type Manager, silentLogger, startManager } from '@smart-fleet/operators';
import { startSampleAgents } from '../../scripts/sample-agents.ts';
import { type Caller, type GraphqlAnswer, headersFor } from './api-server.ts';
import { type TestHub, testHub, uniqueNamespace } from './test-hub.ts';

const SAMPLE_FLEET = fileURLToPath(new URL('../../inventory/sample-fleet.yaml', import.meta.url));
export const CONSOLE_CLIENT_ID = 'smart-fleet-console';

export interface ConsoleStack {
  hub: TestHub;
  namespace: string;
  inventory: ParsedInventory;
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

/** The sample fleet's text in `namespace` (the file names none: it would go to smart-fleet). */
export function sampleFleetIn(namespace: string): string {
  const text = readFileSync(SAMPLE_FLEET, 'utf8');
  return text.replace(/^kind: Inventory$/m, `kind: Inventory\nnamespace: ${namespace}`);
}

/**
 * Waits until admission has issued each site's bootstrap credential, so the sample agents find
 * it at once (their own wait suits an idle developer machine, not a test suite's busy one).
 */
async function bootstrapIssued(hub: TestHub, namespace: string, sites: readonly FleetObject[]) {
  for (const site of sites) {
    const name = `${site.metadata.name}-bootstrap`;
    await waitFor(() => hub.client.core.readNamespacedSecret({ name, namespace }).catch(() => undefined), {
      what: `the bootstrap credential ${name}`,
      timeoutMs: 60_000,
    });
  }
}

export async function consoleStack(
  options: { liveAgents?: boolean; inventoryText?: (namespace: string) => string } = {},
) {
  await ensureConsoleBuilt({ log: (line) => console.error(line) });
  const hub = await testHub();
  const namespace = uniqueNamespace('console');
  await hub.client.core.createNamespace({ body: { metadata: { name: namespace } } });
  const text = (options.inventoryText ?? sampleFleetIn)(namespace);
  const { inventory, problems } = parseInventory([{ file: 'sample-fleet.yaml', text }]);
  if (!inventory) {
    throw new Error(`the sample fleet has problems: ${problems.map((p) => p.message).join('; ')}`);
  }
  await applyInventory(hub.client, inventory, { concurrency: 32 });
  // What has started so far, stopped in reverse if a later part fails to start.
  const started: (() => Promise<void>)[] = [];
  const unwind = async (error: unknown): Promise<never> => {
    for (const stop of started.reverse()) {
      await stop().catch(() => {});
    }
    throw error;
  };
  return startParts({ hub, namespace, inventory, options, started }).catch(unwind);
}

async function startParts(o: {
  hub: TestHub;
  namespace: string;
  inventory: ParsedInventory;
  options: { liveAgents?: boolean };
  started: (() => Promise<void>)[];
}): Promise<ConsoleStack> {
  const { hub, namespace, inventory, options, started } = o;
  const manager = await startManager({ client: hub.client, namespace, log: silentLogger });
  started.push(() => manager.stop());
  const live = inventory.objects
    .filter((o: FleetObject) => o.kind === 'Site' && o.spec.kind === 'apartment-complex')
    .slice(0, 2);
  const wantAgents = options.liveAgents !== false && hub.dir !== '';
  if (wantAgents) {
    await bootstrapIssued(hub, namespace, live);
  }
  const agents = wantAgents
    ? await startSampleAgents({
        client: hub.client,
        hubDir: hub.dir,
        ingestUrl: manager.ingestUrl,
        sites: live,
      })
    : undefined;
  if (agents) {
    started.push(() => agents.stop());
  }
  const issuer = await startDevIssuer({ dir: mkdtempSync(join(tmpdir(), 'console-issuer-')) });
  started.push(() => issuer.stop());
  const api = await startApiServer({
    client: hub.client,
    oidc: issuer.config,
    namespace,
    keysNamespace: namespace,
    operatorsUrl: manager.metricsUrl,
    partnerOperations: partnerOperationsManifest(),
    console: {
      dir: CONSOLE_DIST,
      settings: { apiUrl: '/graphql', oidcIssuer: issuer.issuer, oidcClientId: CONSOLE_CLIENT_ID },
    },
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
    return { status: response.status, ...((await response.json()) as Omit<GraphqlAnswer, 'status'>) };
  };
  const stack: ConsoleStack = {
    hub,
    namespace,
    inventory,
    manager,
    issuer,
    api,
    consoleUrl: api.consoleUrl ?? '',
    liveSites: agents?.sites ?? [],
    operator: { bearer: await issuer.sign({ sub: 'olivia', roles: ['operator'] }) },
    noc: { bearer: await issuer.sign({ sub: 'nam', roles: ['noc'] }) },
    gql,
    async partnerKey(tenant, scopes) {
      return (await api.apiKeys.create({ tenant, name: `e2e key for ${tenant}`, scopes, createdBy: 'e2e' }))
        .key;
    },
    async stop() {
      await api.stop();
      await issuer.stop();
      await agents?.stop();
      await manager.stop();
    },
  };
  return stack;
}
