import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { applyInventory } from '@smart-fleet/hub';
import { silentLogger } from '@smart-fleet/kube';
import { type FleetObject, GROUP_VERSION, parseInventory } from '@smart-fleet/model';
import { editSite, smallFleet, toYaml } from '../../../test/support/fleet-fixtures.ts';
import { kubectl } from '../../../test/support/kubectl.ts';
import { type TestHub, testHub, uniqueNamespace } from '../../../test/support/test-hub.ts';
import { startWebhook, type Webhook } from './webhook-server.ts';

describe('the validating admission webhook, registered with a real kube-apiserver', () => {
  let hub: TestHub;
  let webhook: Webhook;
  const namespace = uniqueNamespace('webhook');
  let site: FleetObject;
  const dir = mkdtempSync(join(tmpdir(), 'webhook-'));

  const kubectlApply = (object: unknown) => {
    const file = join(dir, `${Math.random()}.json`);
    writeFileSync(file, JSON.stringify(object));
    return kubectl(hub.kubeconfig, ['apply', '-f', file]);
  };

  before(async () => {
    hub = await testHub();
    const fleet = smallFleet(namespace, 2);
    const parsed = parseInventory([{ file: 'fleet.yaml', text: toYaml(fleet) }]);
    assert.ok(parsed.inventory);
    await applyInventory(hub.client, parsed.inventory);
    await hub.client.core.patchNamespace({
      name: namespace,
      body: [{ op: 'add', path: '/metadata/labels/webhook-test', value: namespace }],
    });
    const found = parsed.inventory.objects.find((o) => o.kind === 'Site');
    assert.ok(found);
    site = found;
    webhook = await startWebhook({
      client: hub.client,
      log: silentLogger,
      configurationName: `test-${namespace}`,
      namespaceLabels: { 'webhook-test': namespace },
    });
  });

  after(async () => {
    await webhook?.stop({ deregister: true });
  });

  it('refuses `kubectl apply` of a Site with 3,000 streams at 20 Mbps, in the loader’s words', async () => {
    const bad = {
      ...site,
      metadata: { ...site.metadata, name: 'apt-webhook-00001' },
      spec: {
        ...site.spec,
        streaming: { egressBudgetMbps: 4000, streamPlan: [{ bitrateMbps: 20, streams: 3000 }] },
      },
    };
    const result = await kubectlApply(bad);
    assert.notEqual(result.status, 0, result.out);
    assert.match(result.out, /admission webhook "validate\.smartfleet\.io" denied the request/);
    const loader = parseInventory([
      {
        file: 'same.yaml',
        text: toYaml(
          editSite(smallFleet(namespace, 2), 0, (s) => {
            s.streaming = { egressBudgetMbps: 4000, streamPlan: [{ bitrateMbps: 20, streams: 3000 }] };
          }),
        ),
      },
    ]);
    const words = loader.problems[0]?.message ?? 'no loader problem';
    assert.ok(
      result.out.includes(`spec.streaming.streamPlan: ${words}`),
      `webhook said:\n${result.out}\nloader said: ${words}`,
    );
    const list = await hub.client.objects.list(GROUP_VERSION, 'Site', namespace);
    assert.ok(!list.items.some((i) => i.metadata?.name === 'apt-webhook-00001'));
  });

  it('refuses a Site whose maintenance window names a zone Intl does not know, in the loader’s words', async () => {
    const zone = 'Mars/Olympus_Mons';
    const bad = {
      ...site,
      metadata: { ...site.metadata, name: 'apt-webhook-00003' },
      spec: {
        ...site.spec,
        maintenanceWindow: { ...(site.spec.maintenanceWindow as object), timeZone: zone },
      },
    };
    const result = await kubectlApply(bad);
    assert.notEqual(result.status, 0, result.out);
    const loader = parseInventory([
      {
        file: 'same.yaml',
        text: toYaml(
          editSite(smallFleet(namespace, 2), 0, (s) => {
            s.maintenanceWindow = { ...(s.maintenanceWindow as object), timeZone: zone };
          }),
        ),
      },
    ]);
    const words = loader.problems[0]?.message ?? 'no loader problem';
    assert.equal(words, `unknown time zone "${zone}"; use an IANA name such as Asia/Seoul, or UTC`);
    assert.ok(
      result.out.includes(`spec.maintenanceWindow.timeZone: ${words}`),
      `webhook said:\n${result.out}\nloader said: ${words}`,
    );
    const list = await hub.client.objects.list(GROUP_VERSION, 'Site', namespace);
    assert.ok(!list.items.some((i) => i.metadata?.name === 'apt-webhook-00003'));
  });

  it('lets a valid Site through', async () => {
    const good = { ...site, metadata: { ...site.metadata, name: 'apt-webhook-00002' } };
    const result = await kubectlApply(good);
    assert.equal(result.status, 0, result.out);
  });

  it('refuses a Rollout with an empty selector, naming the field', async () => {
    const rollout = {
      apiVersion: GROUP_VERSION,
      kind: 'Rollout',
      metadata: { name: 'everything', namespace },
      spec: {
        release: 'r1',
        selector: {},
        waves: [{ name: 'all', percent: 100, maxUnavailable: 10 }],
        healthGate: { bakeSeconds: 60 },
      },
    };
    const result = await kubectlApply(rollout);
    assert.notEqual(result.status, 0, result.out);
    assert.match(result.out, /spec\.selector: selects every site/);
  });
});
