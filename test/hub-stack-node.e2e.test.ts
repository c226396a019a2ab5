/**
 * The hub stack's workloads on a real node of the hub: what the hub program declares (under
 * Pulumi's mocks, the one accepted stand-in) is applied to a node's cluster, with the images we
 * build under the names the stack gives them. The fleet CRDs are established, the operators,
 * the API and the console become Ready by their own readiness probes (in-cluster clients of the
 * node's API server, through the `kubernetes` Service), and each answers /readyz at its Service.
 * The operators' admission webhook, which the API server calls at its Service's cluster IP, then
 * refuses a Site the fleet rules refuse, in the rules' words.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { KubernetesObject } from '@kubernetes/client-node';
import { ensureConsoleBuilt } from '@smart-fleet/console';
import {
  buildComponentImages,
  importImage,
  nodePreflight,
  type SiteNodeInfo,
  startSiteNode,
  stopSiteNode,
} from '@smart-fleet/hub';
import { apiErrorMessage, connect, type KubeClient, serverSideApply, waitFor } from '@smart-fleet/kube';
import { type ComponentImage, imageFor, parseInventory } from '@smart-fleet/model';
import { API, CONSOLE, OPERATORS } from '../stacks/hub/names.ts';
import { hubProgram } from '../stacks/hub/program.ts';
import { hubTestConfig } from '../stacks/hub/testing/hub-test-config.ts';
import { type DeclaredStack, declareStack, type KubernetesManifest } from '../stacks/testing/declare.ts';
import { editSite, smallFleet, toYaml } from './support/fleet-fixtures.ts';
import { untilPodsReady } from './support/node-pods.ts';
import { testHub } from './support/test-hub.ts';

const skip = nodePreflight().join('; ') || false;
const system = 'smart-fleet-system';
const fleet = 'smart-fleet';
const FIELD_MANAGER = 'smart-fleet-hub-stack-test';
const HUB_IMAGES: ComponentImage[] = ['operators', 'api', 'console'];

describe('the hub stack on a real node of the hub', { skip }, () => {
  let node: SiteNodeInfo;
  let client: KubeClient;
  let stack: DeclaredStack;
  const dir = mkdtempSync(join(tmpdir(), 'smart-fleet-hub-stack-'));

  const untilReady = (app: string) => untilPodsReady(client, system, app, 240000);
  /** GET `path` at a Service of the hub, from this machine, at its cluster IP. */
  const atService = async (service: string, path: string): Promise<{ status: number; body: string }> => {
    const s = await client.core.readNamespacedService({ name: service, namespace: system });
    const port = s.spec?.ports?.[0]?.port;
    const r = await fetch(`http://${s.spec?.clusterIP}:${port}${path}`, {
      signal: AbortSignal.timeout(5000),
    });
    return { status: r.status, body: await r.text() };
  };

  before(async () => {
    const hub = await testHub();
    node = await startSiteNode({ hubDir: hub.dir, site: `hub-node-${process.pid}`, dir: join(dir, 'node') });
    client = connect(node.kubeconfig);
    stack = await declareStack(
      hubProgram,
      hubTestConfig(
        {
          fleetNamespaces: JSON.stringify([fleet]),
          // One of each: the node has the two cores of this machine.
          'operators.replicas': '1',
          'api.replicas': '1',
          'console.replicas': '1',
        },
        system,
      ),
    );
    // The console's image holds its build (npm test builds it first; a file run alone, here).
    await ensureConsoleBuilt({ log: (l) => console.error(l) });
    const images = await buildComponentImages(HUB_IMAGES, { log: (l) => console.error(l) });
    for (const component of HUB_IMAGES) {
      await importImage(node.containerdSocket, images[component], [imageFor(component)]);
    }
    // What `pulumi up` does: namespaces and CRDs first (the rest depends on them), then the rest.
    const objects = stack.kubernetesObjects();
    const rank = (o: KubernetesManifest) =>
      ['Namespace', 'CustomResourceDefinition'].includes(o.kind) ? 0 : 1;
    const apply = (o: KubernetesManifest) =>
      serverSideApply(client, o as KubernetesObject, { fieldManager: FIELD_MANAGER, force: true });
    for (const object of objects.filter((o) => rank(o) === 0)) {
      await apply(object);
    }
    await waitFor(
      async () => {
        const crds = (await client.objects.list(
          'apiextensions.k8s.io/v1',
          'CustomResourceDefinition',
        )) as unknown as { items: { status?: { conditions?: { type: string; status: string }[] } }[] };
        return crds.items.every((c) =>
          c.status?.conditions?.some((x) => x.type === 'Established' && x.status === 'True'),
        );
      },
      { what: 'the fleet CRDs established', timeoutMs: 30000 },
    );
    for (const object of objects.filter((o) => rank(o) === 1)) {
      await apply(object);
    }
  });

  after(async () => {
    await stopSiteNode(join(dir, 'node'), () => {});
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs the operators, Ready by their probe, answering /readyz at their Service', async () => {
    const [pod] = await untilReady(OPERATORS.name);
    assert.equal(pod?.spec?.containers[0]?.image, imageFor('operators'));
    const ready = await atService(OPERATORS.metricsService, '/readyz');
    assert.equal(ready.status, 200, ready.body);
  });

  it('runs the API, Ready by its probe, answering /readyz at its Service', async () => {
    const [pod] = await untilReady(API.name);
    assert.equal(pod?.spec?.containers[0]?.image, imageFor('api'));
    const ready = await atService(API.name, '/readyz');
    assert.equal(ready.status, 200, ready.body);
  });

  it('runs the console, serving its build at its Service', async () => {
    await untilReady(CONSOLE.name);
    const page = await atService(CONSOLE.name, '/');
    assert.equal(page.status, 200);
    assert.match(page.body, /<html/i);
  });

  it("refuses a Site the fleet rules refuse through the operators' webhook, reached at its Service", async () => {
    // Schema-valid (the CRD lets it through), but an entry box cannot stream 4 Gbps: only the
    // webhook, which the API server calls at its Service's cluster IP, knows that rule.
    const fleetDoc = editSite(smallFleet(fleet, 1), 0, (s) => {
      Object.assign(s, { hardware: 'entry', subscriberCap: 50, streaming: { egressBudgetMbps: 200 } });
    });
    const parsed = parseInventory([{ file: 'fleet.yaml', text: toYaml(fleetDoc) }]);
    const valid = (parsed.inventory?.objects ?? []).find((o) => o.kind === 'Site');
    assert.ok(valid, JSON.stringify(parsed.problems));
    const site = structuredClone(valid);
    (site.spec.streaming as { egressBudgetMbps: number }).egressBudgetMbps = 4000;
    const refused = await client.custom
      .createNamespacedCustomObject({
        group: 'smartfleet.io',
        version: 'v1alpha1',
        namespace: fleet,
        plural: 'sites',
        body: site,
      })
      .then(
        () => 'admitted',
        (error: unknown) => apiErrorMessage(error),
      );
    assert.match(refused, /admission webhook .* denied the request/);
    assert.match(refused, /can stream/);
  });
});
