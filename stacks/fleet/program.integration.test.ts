/**
 * The fleet program's objects against a real kube-apiserver with the fleet CRDs (what the hub
 * stack installs): the sample fleet, a release and its rollout are all accepted by a
 * server-side dry run, and a site the CRD's schema refuses is refused in the API server's words.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { apiStatusCode } from '@smart-fleet/kube';
import { testHub, uniqueNamespace } from '../../test/support/test-hub.ts';
import { type DeclaredStack, declareStack, type KubernetesManifest } from '../testing/declare.ts';
import { serverDryRun } from '../testing/server-dry-run.ts';
import { fleetProgram } from './program.ts';

const namespace = uniqueNamespace('stacks-fleet');
const dir = mkdtempSync(join(tmpdir(), 'stacks-fleet-it-'));

/** The sample fleet and the release fixture, moved into this test's own namespace. */
function inventoryFolder(): string {
  const folder = join(dir, 'inventory');
  mkdirSync(folder);
  for (const [from, to] of [
    ['inventory/sample-fleet.yaml', 'sample-fleet.yaml'],
    ['stacks/fleet/fixtures/release-1-2-0.yaml', 'release-1-2-0.yaml'],
  ] as const) {
    const text = readFileSync(from, 'utf8').replace(
      'kind: Inventory\n',
      `kind: Inventory\nnamespace: ${namespace}\n`,
    );
    writeFileSync(join(folder, to), text);
  }
  return folder;
}

let stack: DeclaredStack;
before(async () => {
  stack = await declareStack(fleetProgram, {
    config: { 'smart-fleet:program': 'fleet', 'smart-fleet:inventory': inventoryFolder() },
  });
  // The hub stack owns fleet namespaces; here the test plays its part.
  const { client } = await testHub();
  await client.core.createNamespace({ body: { metadata: { name: namespace } } });
});

after(async () => {
  rmSync(dir, { recursive: true, force: true });
  const { client } = await testHub();
  await client.core.deleteNamespace({ name: namespace }).catch((e: unknown) => {
    if (apiStatusCode(e) !== 404) {
      throw e;
    }
  });
});

describe('fleet program on a real API server', () => {
  it('declares nothing the API server refuses (server-side dry run of every object)', async () => {
    const { client } = await testHub();
    const objects = stack.kubernetesObjects();
    assert.equal(objects.length, 5 + 6 + 150 + 1 + 1);
    assert.ok(objects.every((o) => o.metadata.namespace === namespace));
    assert.deepEqual(await serverDryRun(client, objects), []);
  });

  it('is refused when a declared site breaks the schema, in the API server words', async () => {
    const { client } = await testHub();
    const site = structuredClone(stack.object('Site', 'apt-seoul-00001', namespace)) as KubernetesManifest & {
      spec: { location: { region: string } };
    };
    site.spec.location.region = 'atlantis';
    const refusals = await serverDryRun(client, [site]);
    assert.equal(refusals.length, 1);
    assert.equal(refusals[0]?.object, `Site ${namespace}/apt-seoul-00001`);
    assert.match(refusals[0]?.message ?? '', /spec\.location\.region: Unsupported value: "atlantis"/);
  });
});
