/**
 * The fleet program under Pulumi's mocks: it declares exactly the objects the inventory parser
 * makes (what `npm run fleet -- apply` writes), through the hub's provider, with outputs counted
 * from the inventory; inventory problems stop it naming `smart-fleet:inventory`.
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type * as pulumi from '@pulumi/pulumi';
import { readInventoryFiles } from '@smart-fleet/hub';
import { DEFAULT_NAMESPACE, type FleetObject, parseInventory } from '@smart-fleet/model';
import { hubProvider } from '../hub/hub-provider.ts';
import { StackConfig, StackConfigError } from '../lib/config.ts';
import { readStackInventory } from '../lib/inventory.ts';
import { type DeclaredStack, declareStack } from '../testing/declare.ts';
import { configError } from '../testing/fixtures/stack-configs.ts';
import { dependenciesOf, Fleet } from './fleet.ts';
import { fleetProgram } from './program.ts';

const SAMPLE = 'inventory/sample-fleet.yaml';
const RELEASE = 'stacks/fleet/fixtures/release-1-2-0.yaml';
const config = (inventory: string, more: Record<string, string> = {}) => ({
  config: { 'smart-fleet:program': 'fleet', 'smart-fleet:inventory': inventory, ...more },
});

const dir = mkdtempSync(join(tmpdir(), 'stacks-fleet-test-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** The sample fleet plus a release and its rollout, as one inventory folder. */
function withRelease(): string {
  const folder = join(dir, 'with-release');
  rmSync(folder, { recursive: true, force: true });
  mkdirSync(folder);
  copyFileSync(SAMPLE, join(folder, 'sample-fleet.yaml'));
  copyFileSync(RELEASE, join(folder, 'release-1-2-0.yaml'));
  return folder;
}

function parsed(path: string): FleetObject[] {
  const { inventory, problems } = parseInventory(readInventoryFiles([path]));
  assert.deepEqual(problems, []);
  return inventory?.objects ?? [];
}

const fleetObjects = (stack: DeclaredStack) =>
  stack.kubernetesObjects().filter((o) => o.apiVersion === 'smartfleet.io/v1alpha1');

describe('fleet program: the sample fleet with a release and a rollout', () => {
  let stack: DeclaredStack;
  let expected: FleetObject[];
  before(async () => {
    const inventory = withRelease();
    expected = parsed(inventory);
    stack = await declareStack(fleetProgram, config(inventory));
  });

  it("declares exactly the inventory parser's objects, labels, namespace and spec untouched", () => {
    const declared = fleetObjects(stack);
    assert.equal(declared.length, expected.length);
    const byKey = new Map(declared.map((o) => [`${o.kind}/${o.metadata.name}`, o]));
    for (const object of expected) {
      assert.deepEqual(
        byKey.get(`${object.kind}/${object.metadata.name}`),
        JSON.parse(JSON.stringify(object)),
      );
    }
    assert.deepEqual([...new Set(declared.map((o) => o.kind))].sort(), [
      'Rollout',
      'Site',
      'SiteRelease',
      'Tenant',
      'WideAreaCluster',
    ]);
  });

  it('registers what an object names before the object (owners first, as the inventory apply)', () => {
    const position = new Map(fleetObjects(stack).map((o, i) => [`${o.kind}/${o.metadata.name}`, i]));
    const at = (key: string) => position.get(key) ?? Number.NaN;
    for (const o of expected) {
      const names: string[] =
        o.kind === 'Site'
          ? [`WideAreaCluster/${o.spec.parentCluster}`, `Tenant/${o.spec.tenant}`]
          : o.kind === 'Rollout'
            ? [`SiteRelease/${o.spec.release}`]
            : [];
      for (const owner of names) {
        assert.ok(
          at(owner) < at(`${o.kind}/${o.metadata.name}`),
          `${owner} before ${o.kind}/${o.metadata.name}`,
        );
      }
    }
  });

  it('declares nothing else but the provider and the Fleet component', () => {
    const other = stack.resources.filter((r) => !r.type.startsWith('kubernetes:smartfleet.io/'));
    assert.deepEqual(other.map((r) => r.type).sort(), [
      'pulumi:providers:kubernetes',
      'pulumi:pulumi:Stack',
      'smart:fleet:Fleet',
    ]);
  });

  it('names every object after its inventory name (logical and Kubernetes name agree)', () => {
    for (const r of stack.resources.filter((x) => x.type.startsWith('kubernetes:smartfleet.io/'))) {
      assert.equal(r.name, (r.inputs.metadata as { name: string }).name);
    }
  });

  it('outputs the namespace, counts per kind, and sites per region and per kind', () => {
    const sites = expected.filter((o) => o.kind === 'Site');
    const count = (key: (o: FleetObject) => string, objects: FleetObject[]) => {
      const counts: Record<string, number> = {};
      for (const o of objects) {
        counts[key(o)] = (counts[key(o)] ?? 0) + 1;
      }
      return counts;
    };
    assert.equal(stack.outputs.namespace, DEFAULT_NAMESPACE);
    assert.deepEqual(
      stack.outputs.objects,
      count((o) => o.kind, expected),
    );
    assert.deepEqual(stack.outputs.objects, {
      Tenant: 5,
      WideAreaCluster: 6,
      Site: 150,
      SiteRelease: 1,
      Rollout: 1,
    });
    assert.deepEqual(
      stack.outputs.sitesPerRegion,
      count((o) => (o.spec.location as { region: string }).region, sites),
    );
    assert.deepEqual(
      stack.outputs.sitesPerKind,
      count((o) => String(o.spec.kind), sites),
    );
    assert.deepEqual(
      Object.keys(stack.outputs.sitesPerRegion as object),
      Object.keys(stack.outputs.sitesPerRegion as object).sort(),
    );
  });

  it('reaches the hub through its own provider, with the configured kubeconfig', async () => {
    const kubeconfig = 'apiVersion: v1\nkind: Config\nclusters: []\n';
    const explicit = await declareStack(fleetProgram, {
      ...config(SAMPLE, { 'smart-fleet:hubKubeconfig': kubeconfig }),
      secretKeys: ['smart-fleet:hubKubeconfig'],
    });
    const providers = explicit.ofType('pulumi:providers:kubernetes');
    assert.equal(providers.length, 1);
    assert.equal(providers[0]?.inputs.kubeconfig, kubeconfig);
    assert.equal(providers[0]?.inputs.enableServerSideApply, 'true');
  });
});

describe('fleet program: the Fleet component', () => {
  it('makes a site depend on its cluster and tenant, a rollout on its release, nothing else on anything', () => {
    const declared = new Map([
      ['WideAreaCluster/wac-capital', 'cluster'],
      ['Tenant/metro-cable', 'tenant'],
      ['SiteRelease/release-1-2-0', 'release'],
    ]);
    const object = (kind: string, spec: Record<string, unknown>): FleetObject => ({
      apiVersion: 'smartfleet.io/v1alpha1',
      kind,
      metadata: { name: 'x', namespace: 'smart-fleet', labels: {} },
      spec,
    });
    assert.deepEqual(
      dependenciesOf(object('Site', { parentCluster: 'wac-capital', tenant: 'metro-cable' }), declared),
      ['cluster', 'tenant'],
    );
    assert.deepEqual(dependenciesOf(object('Rollout', { release: 'release-1-2-0' }), declared), ['release']);
    assert.deepEqual(dependenciesOf(object('SiteRelease', { version: '1.2.0' }), declared), []);
    assert.deepEqual(
      dependenciesOf(object('Site', { parentCluster: 'wac-elsewhere', tenant: 'x' }), declared),
      [],
    );
  });

  it('hands its provider to every object it declares', async () => {
    let fleet: Fleet | undefined;
    let provider: pulumi.ProviderResource | undefined;
    await declareStack(() => {
      const stackConfig = new StackConfig();
      provider = hubProvider(stackConfig);
      fleet = new Fleet('fleet', { inventory: readStackInventory(stackConfig) }, { provider });
      return {};
    }, config(SAMPLE));
    assert.ok(fleet && provider);
    assert.equal(fleet.getProvider('kubernetes:apiextensions.k8s.io/v1:CustomResource'), provider);
  });
});

describe('fleet program: inventory problems stop it, naming the key', () => {
  it('no inventory configured', () => {
    const error = configError(fleetProgram, { config: { 'smart-fleet:program': 'fleet' } });
    assert.ok(error instanceof StackConfigError);
    assert.equal(error.key, 'inventory');
    assert.match(error.message, /^smart-fleet:inventory: is required/);
  });

  it('an inventory path that is not there', () => {
    const error = configError(fleetProgram, config('inventory/no-such-file.yaml'));
    assert.ok(error instanceof StackConfigError);
    assert.match(error.message, /^smart-fleet:inventory: .*no-such-file\.yaml/);
  });

  it('a site naming an unknown cluster, and a capacity the shared rules refuse, each with file:line:col', () => {
    const error = configError(fleetProgram, config('stacks/testing/fixtures/inventory-refused.yaml'));
    assert.ok(error instanceof StackConfigError);
    assert.equal(error.key, 'inventory');
    assert.match(
      error.message,
      /^smart-fleet:inventory: stacks\/testing\/fixtures\/inventory-refused\.yaml has 3 problem/,
    );
    assert.match(error.message, /inventory-refused\.yaml:\d+:\d+: sites\[1\]\.parentCluster .*wac-nowhere/);
    assert.match(
      error.message,
      /inventory-refused\.yaml:\d+:\d+: sites\[0\]\.streaming\.egressBudgetMbps .*apt-overbudget/,
    );
  });

  it('a rollout naming a release the inventory lacks', () => {
    const file = join(dir, 'orphan-rollout.yaml');
    writeFileSync(
      file,
      `apiVersion: smartfleet.io/v1alpha1
kind: Inventory
rollouts:
  - name: roll-nothing
    release: release-9-9-9
    selector: { regions: [seoul] }
    waves: [{ name: all, percent: 100, maxUnavailable: 10 }]
    healthGate: {}
`,
    );
    const error = configError(fleetProgram, config(file));
    assert.match(error.message, /^smart-fleet:inventory: .*orphan-rollout\.yaml has 1 problem/);
    assert.match(
      error.message,
      /orphan-rollout\.yaml:5:14: rollouts\[0\]\.release .*release-9-9-9 does not exist/,
    );
  });
});

describe('fleet program: split by region', () => {
  const sitesIn = (objects: FleetObject[], regions: string[]) =>
    objects.filter(
      (o) => o.kind === 'Site' && regions.includes((o.spec.location as { region: string }).region),
    );

  it('a region stack declares only those regions’ sites; the shared stack only the rest; together, the whole fleet', async () => {
    const inventory = withRelease();
    const all = parsed(inventory);
    const capital = await declareStack(
      fleetProgram,
      config(inventory, { 'smart-fleet:fleet.regions': '["seoul","incheon"]' }),
    );
    const capitalNames = fleetObjects(capital).map((o) => `${o.kind}/${o.metadata.name}`);
    assert.deepEqual(
      capitalNames.sort(),
      sitesIn(all, ['seoul', 'incheon'])
        .map((o) => `Site/${o.metadata.name}`)
        .sort(),
    );
    assert.deepEqual(capital.outputs.regions, ['seoul', 'incheon']);
    assert.equal(capital.outputs.shared, false);
    assert.deepEqual(Object.keys(capital.outputs.sitesPerRegion as object), ['incheon', 'seoul']);

    const shared = await declareStack(
      fleetProgram,
      config(inventory, { 'smart-fleet:fleet.regions': '["busan"]', 'smart-fleet:fleet.shared': 'true' }),
    );
    const sharedOnly = await declareStack(
      fleetProgram,
      config(inventory, { 'smart-fleet:fleet.regions': '[]', 'smart-fleet:fleet.shared': 'true' }),
    );
    assert.equal(fleetObjects(sharedOnly).length, all.filter((o) => o.kind !== 'Site').length);
    assert.ok(fleetObjects(sharedOnly).every((o) => o.kind !== 'Site'));
    const kinds = new Set(fleetObjects(shared).map((o) => o.kind));
    assert.deepEqual([...kinds].sort(), ['Rollout', 'Site', 'SiteRelease', 'Tenant', 'WideAreaCluster']);
    assert.equal(
      fleetObjects(shared).filter((o) => o.kind === 'Site').length,
      sitesIn(all, ['busan']).length,
    );
  });

  it('refuses a region the model does not know, naming the key and the regions there are', () => {
    const error = configError(
      fleetProgram,
      config(SAMPLE, { 'smart-fleet:fleet.regions': '["seoul","atlantis"]' }),
    );
    assert.ok(error instanceof StackConfigError);
    assert.equal(error.key, 'fleet.regions');
    assert.match(
      error.message,
      /^smart-fleet:fleet\.regions: "atlantis" is not a region; regions are .*seoul/,
    );
    const nothing = configError(fleetProgram, config(SAMPLE, { 'smart-fleet:fleet.regions': '[]' }));
    assert.match(
      nothing.message,
      /^smart-fleet:fleet\.regions: is \[\] and fleet\.shared is false: this stack would declare nothing/,
    );
    const notList = configError(fleetProgram, config(SAMPLE, { 'smart-fleet:fleet.regions': '"seoul"' }));
    assert.match(notList.message, /^smart-fleet:fleet\.regions: must be a list of region codes/);
  });
});
