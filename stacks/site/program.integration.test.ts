/**
 * Everything the site program declares, and everything the site agent's renderer makes of the
 * sample release for the same building, sent to a real kube-apiserver: Kubernetes itself
 * validates every object (server-side dry-run), the agent's Deployments against the release
 * namespace the stack declares. The release namespace's quota is created for real and the
 * release's pods are created under it, every replica: they fit, and one pod more is refused.
 * The site agent's RBAC is created for real and asked what it allows, against what the agent's
 * code does on its cluster.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { KubernetesObject, V1Pod } from '@kubernetes/client-node';
import { apiErrorMessage, serverSideApply, waitFor } from '@smart-fleet/kube';
import { SITE_NAMESPACE, type SiteObject } from '@smart-fleet/operators';
import { accessReviews } from '../../test/support/access-review.ts';
import { type TestHub, testHub, uniqueNamespace } from '../../test/support/test-hub.ts';
import { type DeclaredStack, declareStack, type KubernetesManifest } from '../testing/declare.ts';
import { renderedSampleRelease } from '../testing/fixtures/sample-bundle.ts';
import { SAMPLE_SITE, siteConfig } from '../testing/fixtures/stack-configs.ts';
import { serverDryRun } from '../testing/server-dry-run.ts';
import { siteProgram } from './program.ts';
import { RELEASE_QUOTA } from './release-namespace.ts';
import { SITE_AGENT } from './site-agent-access.ts';

type Json = Record<string, any>;

const RBAC_KINDS = ['Role', 'RoleBinding', 'ClusterRole', 'ClusterRoleBinding'];
const FIELD_MANAGER = 'smart-fleet-stacks-test';

describe('the site program against a real kube-apiserver', () => {
  let hub: TestHub;
  let stack: DeclaredStack;
  let release: SiteObject[];
  const namespace = uniqueNamespace('site');
  /** Where the quota is tried for real, away from the shared `smart-site`. */
  const quotaNamespace = uniqueNamespace('site-quota');

  before(async () => {
    hub = await testHub();
    stack = await declareStack(siteProgram, siteConfig({ namespace }));
    release = renderedSampleRelease(SAMPLE_SITE);
  });

  after(async () => {
    for (const o of stack.kubernetesObjects().filter((o) => RBAC_KINDS.includes(o.kind))) {
      await hub.client.objects.delete(o as KubernetesObject).catch(() => undefined);
    }
    // The release namespace (`smart-site`) has a fixed name and is left for the next run.
    for (const name of [namespace, quotaNamespace]) {
      await hub.client.core.deleteNamespace({ name }).catch(() => undefined);
    }
  });

  it("accepts every object the stack declares and the agent's Deployments in the stack's namespace", async () => {
    const objects = [...stack.kubernetesObjects(), ...(release as KubernetesManifest[])];
    const kinds = new Set(objects.map((o) => o.kind));
    for (const kind of [
      'DaemonSet',
      'Deployment',
      'Secret',
      'PersistentVolumeClaim',
      'ClusterRole',
      'ResourceQuota',
      'Service',
    ]) {
      assert.ok(kinds.has(kind), `${kind} is among the objects sent`);
    }
    const agentDeployments = release.filter((o) => o.kind === 'Deployment').map((o) => o.metadata.name);
    assert.deepEqual(agentDeployments, ['streaming-edge', 'cache', 'license-proxy']);
    assert.deepEqual(await serverDryRun(hub.client, objects), []);
  });

  it('admits every pod of the release under the quota, and refuses one pod more', async () => {
    await hub.client.core.createNamespace({ body: { metadata: { name: quotaNamespace } } });
    const quota = stack.object('ResourceQuota', RELEASE_QUOTA, SITE_NAMESPACE);
    await serverSideApply(
      hub.client,
      { ...quota, metadata: { ...quota.metadata, namespace: quotaNamespace } } as KubernetesObject,
      { fieldManager: FIELD_MANAGER, force: true },
    );
    // Quota admission counts from the usage the controller records; pods need the namespace's
    // default ServiceAccount, which the controller also makes.
    await waitFor(
      async () =>
        (
          await hub.client.core.readNamespacedResourceQuota({
            name: RELEASE_QUOTA,
            namespace: quotaNamespace,
          })
        ).status?.used !== undefined &&
        (await hub.client.core.readNamespacedServiceAccount({ name: 'default', namespace: quotaNamespace })),
      { what: 'the quota counted and the default ServiceAccount made', timeoutMs: 30_000 },
    );
    const pod = (d: SiteObject, i: number): V1Pod => {
      const template = (d.spec as Json).template;
      return {
        metadata: { name: `${d.metadata.name}-${i}`, labels: template.metadata.labels },
        spec: template.spec,
      };
    };
    const deployments = release.filter((o) => o.kind === 'Deployment');
    for (const d of deployments) {
      for (let i = 0; i < (d.spec as Json).replicas; i++) {
        await hub.client.core.createNamespacedPod({ namespace: quotaNamespace, body: pod(d, i) });
      }
    }
    const proxy = deployments.find((d) => d.metadata.name === 'license-proxy') as SiteObject;
    const refused = await hub.client.core
      .createNamespacedPod({ namespace: quotaNamespace, body: pod(proxy, 1) })
      .then(
        () => 'admitted',
        (error: unknown) => apiErrorMessage(error),
      );
    assert.match(refused, /exceeded quota: release-budget/);
    assert.match(refused, /limits\.cpu/);
  });

  it('lets the site agent apply, prune and judge its bundle in smart-site and read its Node, and do nothing else', async () => {
    for (const object of stack.kubernetesObjects().filter((o) => RBAC_KINDS.includes(o.kind))) {
      await serverSideApply(hub.client, object as KubernetesObject, {
        fieldManager: FIELD_MANAGER,
        force: true,
      });
    }
    const reviews = accessReviews(hub.client);
    const subject = { user: `system:serviceaccount:${namespace}:${SITE_AGENT}` };
    const attributes = (
      verb: string,
      resource: string,
      where: { ns?: string; group?: string; name?: string },
    ) => ({
      namespace: where.ns,
      verb,
      resource,
      group: where.group,
      name: where.name,
    });
    // A grant is waited for (the authorizer's cache trails the Role); a refusal is checked after.
    const can = (
      verb: string,
      resource: string,
      where: { ns?: string; group?: string; name?: string } = {},
    ) => reviews.eventuallyAllowed(subject, attributes(verb, resource, where));
    const cannot = async (
      verb: string,
      resource: string,
      where: { ns?: string; group?: string; name?: string } = {},
    ) => !(await reviews.allowedNow(subject, attributes(verb, resource, where)));
    const bundle = { ns: SITE_NAMESPACE };
    const apps = { ...bundle, group: 'apps' };
    // What site-agent.ts does: server-side apply (patch, creating what is new), list and delete.
    for (const verb of ['create', 'patch', 'list', 'delete']) {
      assert.equal(await can(verb, 'configmaps', bundle), true, `${verb} configmaps`);
      assert.equal(await can(verb, 'deployments', apps), true, `${verb} deployments`);
    }
    assert.equal(await can('patch', 'namespaces', { name: SITE_NAMESPACE }), true);
    // What it judges a release by and reads the heartbeat from: the pods there, its own Node.
    assert.equal(await can('list', 'pods', bundle), true, 'list pods');
    assert.equal(await can('get', 'nodes', { name: SAMPLE_SITE }), true, 'get its Node');
    assert.ok(await cannot('get', 'nodes', { name: 'another-box' }));
    assert.ok(await cannot('list', 'nodes'));
    assert.ok(await cannot('delete', 'pods', bundle));
    // And nothing more: not the stack's Services, claim or quota there either.
    assert.ok(await cannot('get', 'secrets', bundle));
    assert.ok(await cannot('create', 'pods', bundle));
    assert.ok(await cannot('delete', 'services', bundle));
    assert.ok(await cannot('delete', 'persistentvolumeclaims', bundle));
    assert.ok(await cannot('patch', 'resourcequotas', bundle));
    assert.ok(await cannot('create', 'daemonsets', apps));
    assert.ok(await cannot('create', 'deployments', { ns: namespace, group: 'apps' }));
    assert.ok(await cannot('create', 'deployments', { ns: 'kube-system', group: 'apps' }));
    assert.ok(await cannot('patch', 'namespaces', { name: 'kube-system' }));
    assert.ok(await cannot('create', 'namespaces'));
    assert.ok(await cannot('delete', 'namespaces', { name: SITE_NAMESPACE }));
    assert.ok(await cannot('create', 'rolebindings', { ...bundle, group: 'rbac.authorization.k8s.io' }));
  });
});
