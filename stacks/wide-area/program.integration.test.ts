/**
 * Everything the wide-area program declares, sent to a real kube-apiserver: Kubernetes itself
 * validates every object (server-side dry-run, after Multus's NetworkAttachmentDefinition CRD is
 * installed), the node patches are applied to real Node objects made for the test, and the
 * license service's RBAC is created for real and asked what it allows (never the packaging job's
 * hub credential, which only that job's pods mount).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { KubernetesObject } from '@kubernetes/client-node';
import { apiErrorMessage, serverSideApply } from '@smart-fleet/kube';
import { LICENSE_SERVICE_ACCOUNT } from '@smart-fleet/operators';
import { load } from 'js-yaml';
import { accessReviews } from '../../test/support/access-review.ts';
import { type TestHub, testHub, uniqueNamespace } from '../../test/support/test-hub.ts';
import { type DeclaredStack, declareStack, type KubernetesManifest } from '../testing/declare.ts';
import { wideAreaConfig } from '../testing/fixtures/stack-configs.ts';
import { serverDryRun } from '../testing/server-dry-run.ts';
import { KEK_SECRET } from './drm-kek-secret.ts';
import { HUB_ACCESS_SECRET } from './license-service.ts';
import { NODE_ROLE_KEY } from './node-roles.ts';
import { PACKAGER_HUB_ACCESS_SECRET } from './packaging-jobs.ts';
import { wideAreaProgram } from './program.ts';

const NAD_CRD = load(
  readFileSync(
    new URL('../testing/fixtures/network-attachment-definition-crd.yaml', import.meta.url),
    'utf8',
  ),
) as KubernetesManifest;

describe('the wide-area program against a real kube-apiserver', () => {
  let hub: TestHub;
  let stack: DeclaredStack;
  const namespace = uniqueNamespace('wide-area');
  const nodes = {
    'content-generation': [`${namespace}-encoder-1`],
    distribution: [`${namespace}-streamer-1`, `${namespace}-streamer-2`],
    'storage-management': [`${namespace}-storage-1`],
  };
  const nodeNames = Object.values(nodes).flat();

  before(async () => {
    hub = await testHub();
    for (const name of nodeNames) {
      await hub.client.core.createNode({ body: { metadata: { name } } });
    }
    stack = await declareStack(wideAreaProgram, wideAreaConfig({ namespace, nodes }));
  });

  after(async () => {
    for (const name of nodeNames) {
      await hub.client.core.deleteNode({ name }).catch(() => undefined);
    }
    await hub.client.core.deleteNamespace({ name: namespace }).catch(() => undefined);
  });

  // First, while the test's Nodes are seconds old: after 40 s without a kubelet the node
  // lifecycle controller taints them unreachable, and then owns their taints.
  it('labels and taints the real nodes of each role', async () => {
    const patches = stack
      .ofType('kubernetes:core/v1:NodePatch')
      .map((r) => r.inputs as unknown as KubernetesManifest);
    assert.equal(patches.length, nodeNames.length);
    for (const patch of patches) {
      await serverSideApply(hub.client, patch as KubernetesObject, {
        fieldManager: 'smart-fleet-stacks-test',
      });
    }
    for (const [role, names] of Object.entries(nodes)) {
      for (const name of names) {
        const node = await hub.client.core.readNode({ name });
        assert.equal(node.metadata?.labels?.[NODE_ROLE_KEY], role);
        assert.deepEqual(
          node.spec?.taints?.map(({ key, value, effect }) => ({ key, value, effect })),
          [{ key: NODE_ROLE_KEY, value: role, effect: 'NoSchedule' }],
        );
      }
    }
  });

  it('declares objects the API server accepts, every one of them', async () => {
    const objects = stack.kubernetesObjects();
    const kinds = new Set(objects.map((o) => o.kind));
    for (const kind of [
      'NetworkAttachmentDefinition',
      'DaemonSet',
      'CronJob',
      'PodDisruptionBudget',
      'Role',
    ]) {
      assert.ok(kinds.has(kind), `${kind} is among the objects sent`);
    }
    const refusals = await serverDryRun(hub.client, [NAD_CRD, ...objects]);
    assert.deepEqual(refusals, []);
  });

  it('is refused by the CRD when a network config is not the JSON string Multus reads', async () => {
    const nad = stack.object('NetworkAttachmentDefinition', 'ipoib-content', namespace);
    const broken = { ...nad, spec: { config: { type: 'ipoib' } } };
    const refusals = await serverDryRun(hub.client, [broken]);
    assert.equal(refusals.length, 1);
    assert.match(refusals[0]?.message ?? '', /spec\.config/);
  });

  it("lets the license service's identity read its two DRM Secrets and nothing else", async () => {
    const rbac = stack.kubernetesObjects().filter((o) => o.kind === 'Role' || o.kind === 'RoleBinding');
    for (const object of rbac) {
      await serverSideApply(hub.client, object as KubernetesObject, {
        fieldManager: 'smart-fleet-stacks-test',
      }).catch((error: unknown) => assert.fail(apiErrorMessage(error)));
    }
    const reviews = accessReviews(hub.client);
    const subject = { user: `system:serviceaccount:${namespace}:${LICENSE_SERVICE_ACCOUNT}` };
    const attributes = (verb: string, resource: string, name?: string, ns = namespace) => ({
      namespace: ns,
      verb,
      resource,
      name,
    });
    // Grants are waited for (the authorizer's cache trails the Role); refusals checked after.
    assert.ok(await reviews.eventuallyAllowed(subject, attributes('get', 'secrets', KEK_SECRET)));
    assert.ok(await reviews.eventuallyAllowed(subject, attributes('get', 'secrets', HUB_ACCESS_SECRET)));
    for (const refused of [
      attributes('get', 'secrets', 'some-other-secret'),
      attributes('get', 'secrets', PACKAGER_HUB_ACCESS_SECRET),
      attributes('list', 'secrets'),
      attributes('watch', 'secrets'),
      attributes('update', 'secrets', KEK_SECRET),
      attributes('get', 'configmaps', 'rdma-shared-device-plugin-config'),
      attributes('get', 'secrets', KEK_SECRET, 'kube-system'),
    ]) {
      assert.equal(await reviews.allowedNow(subject, refused), false, JSON.stringify(refused));
    }
  });
});
