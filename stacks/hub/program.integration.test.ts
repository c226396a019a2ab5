/**
 * The hub program's objects against a real kube-apiserver (1.20): every object it declares is
 * accepted by a server-side dry run; a broken one is refused in the API server's words; and the
 * RBAC it declares, created for real, lets the operators' and the API's ServiceAccounts do what
 * their code does and nothing they must not (SubjectAccessReview: the API server's own answer);
 * so does the content packager's account, in the fleet namespace.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { RbacAuthorizationV1Api } from '@kubernetes/client-node';
import { apiStatusCode, serverSideApply } from '@smart-fleet/kube';
import { LICENSE_READER_ROLE, OPERATORS_LEASE, PACKAGER_SERVICE_ACCOUNT } from '@smart-fleet/operators';
import { accessReviews, serviceAccount } from '../../test/support/access-review.ts';
import { testHub, uniqueNamespace } from '../../test/support/test-hub.ts';
import { type DeclaredStack, declareStack, type KubernetesManifest } from '../testing/declare.ts';
import { onClientNodeModel, serverDryRun } from '../testing/server-dry-run.ts';
import { API, CONSOLE, OPERATORS } from './names.ts';
import { hubProgram } from './program.ts';
import { hubTestConfig } from './testing/hub-test-config.ts';

const system = uniqueNamespace('hub-sys');
const fleet = uniqueNamespace('hub-fleet');
const keys = uniqueNamespace('hub-keys');
const RBAC_KINDS = new Set(['ServiceAccount', 'ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding']);

let stack: DeclaredStack;
before(async () => {
  stack = await declareStack(
    hubProgram,
    hubTestConfig({ fleetNamespaces: JSON.stringify([fleet]), 'api.keysNamespace': keys }, system),
  );
});

after(async () => {
  const { client } = await testHub();
  const rbac = client.kc.makeApiClient(RbacAuthorizationV1Api);
  const gone = (e: unknown) => {
    if (apiStatusCode(e) !== 404) {
      throw e;
    }
  };
  for (const o of stack.kubernetesObjects()) {
    if (o.kind === 'ClusterRole') {
      await rbac.deleteClusterRole({ name: o.metadata.name }).catch(gone);
    } else if (o.kind === 'ClusterRoleBinding') {
      await rbac.deleteClusterRoleBinding({ name: o.metadata.name }).catch(gone);
    }
  }
  for (const name of [system, fleet, keys]) {
    await client.core.deleteNamespace({ name }).catch(gone);
  }
});

describe('hub program on a real API server', () => {
  it('declares nothing the API server refuses (server-side dry run of every object)', async () => {
    const { client } = await testHub();
    const objects = stack.kubernetesObjects();
    assert.ok(objects.length > 40, `only ${objects.length} objects`);
    const refusals = await serverDryRun(client, objects);
    assert.deepEqual(refusals, []);
  });

  it('is refused when an object is broken, in the API server words', async () => {
    const { client } = await testHub();
    const broken = structuredClone(
      stack.object('Deployment', OPERATORS.name, system),
    ) as KubernetesManifest & {
      spec: { selector: { matchLabels: Record<string, string> } };
    };
    broken.spec.selector.matchLabels = { 'app.kubernetes.io/name': 'something-else' };
    const refusals = await serverDryRun(client, [broken]);
    assert.equal(refusals.length, 1);
    assert.equal(refusals[0]?.object, `Deployment ${system}/${OPERATORS.name}`);
    assert.match(refusals[0]?.message ?? '', /`selector` does not match template `labels`/);
  });
});

describe('RBAC, created for real and asked with SubjectAccessReview', () => {
  before(async () => {
    const { client } = await testHub();
    const objects = stack.kubernetesObjects();
    const wanted = [
      ...objects.filter((o) => o.kind === 'Namespace'),
      ...objects.filter((o) => RBAC_KINDS.has(o.kind)),
    ];
    for (const o of wanted) {
      await serverSideApply(client, onClientNodeModel(o), {
        fieldManager: 'stacks-rbac-test',
      });
    }
  });

  // A grant is waited for (the authorizer's cache trails the Roles just applied); a refusal is
  // the answer at once.
  const allowed = async (
    account: { namespace: string; name: string },
    attributes: Record<string, string>,
    expected: boolean,
  ) => {
    const reviews = accessReviews((await testHub()).client);
    const subject = serviceAccount(account.namespace, account.name);
    return expected
      ? reviews.eventuallyAllowed(subject, attributes)
      : reviews.allowedNow(subject, attributes);
  };

  const fleetGroup = 'smartfleet.io';
  const table = (account: string, cases: [string, Record<string, string>, boolean][], namespace = system) => {
    for (const [what, attributes, expected] of cases) {
      it(`${account} ${expected ? 'may' : 'may not'} ${what}`, async () => {
        assert.equal(await allowed({ namespace, name: account }, attributes, expected), expected);
      });
    }
  };

  describe('the operators', () => {
    const inFleet = (verb: string, resource: string, extra: Record<string, string> = {}) => ({
      namespace: fleet,
      verb,
      resource,
      group: resource.startsWith('secrets') || resource === 'events' || resource === 'pods' ? '' : fleetGroup,
      ...extra,
    });
    table(OPERATORS.name, [
      ['list Sites in every namespace', { verb: 'list', group: fleetGroup, resource: 'sites' }, true],
      [
        'watch ContentTitles in every namespace',
        { verb: 'watch', group: fleetGroup, resource: 'contenttitles' },
        true,
      ],
      ['patch a Site (its finalizer)', inFleet('patch', 'sites'), true],
      ['apply its part of a Site status', inFleet('patch', 'sites', { subresource: 'status' }), true],
      ['apply a Rollout status', inFleet('patch', 'rollouts', { subresource: 'status' }), true],
      [
        'apply a SiteRelease status (sites running)',
        inFleet('patch', 'sitereleases', { subresource: 'status' }),
        true,
      ],
      [
        'apply a DrmPolicy status (active keys)',
        inFleet('patch', 'drmpolicies', { subresource: 'status' }),
        true,
      ],
      ['apply a ReleaseAssignment', inFleet('patch', 'releaseassignments'), true],
      ['replace a whole Site status', inFleet('update', 'sites', { subresource: 'status' }), false],
      ['replace a ReleaseAssignment written by someone else', inFleet('update', 'releaseassignments'), false],
      ['create a ContentPlacement', inFleet('create', 'contentplacements'), true],
      ['delete a ContentPlacement', inFleet('delete', 'contentplacements'), true],
      ['get a Secret by name in a fleet namespace', inFleet('get', 'secrets'), true],
      ['create, update and delete Secrets in a fleet namespace', inFleet('delete', 'secrets'), true],
      ['create Events', inFleet('create', 'events'), true],
      [
        'update the license reader Role',
        {
          namespace: fleet,
          verb: 'update',
          group: 'rbac.authorization.k8s.io',
          resource: 'roles',
          name: 'drm-license-key-reader',
        },
        true,
      ],
      [
        'create RoleBindings in a fleet namespace',
        { namespace: fleet, verb: 'create', group: 'rbac.authorization.k8s.io', resource: 'rolebindings' },
        true,
      ],
      [
        "update the key readers' RoleBinding (a new reader joins it)",
        {
          namespace: fleet,
          verb: 'update',
          group: 'rbac.authorization.k8s.io',
          resource: 'rolebindings',
          name: LICENSE_READER_ROLE,
        },
        true,
      ],
      [
        'renew its Lease',
        {
          namespace: system,
          verb: 'update',
          group: 'coordination.k8s.io',
          resource: 'leases',
          name: OPERATORS_LEASE,
        },
        true,
      ],
      [
        'create its Lease',
        { namespace: system, verb: 'create', group: 'coordination.k8s.io', resource: 'leases' },
        true,
      ],
      // And what it must not do:
      ['read Secrets in kube-system', { namespace: 'kube-system', verb: 'get', resource: 'secrets' }, false],
      [
        "read Secrets in the hub's own namespace",
        { namespace: system, verb: 'get', resource: 'secrets' },
        false,
      ],
      ['list Secrets in a fleet namespace', inFleet('list', 'secrets'), false],
      ['delete namespaces', { verb: 'delete', resource: 'namespaces', name: fleet }, false],
      ['create pods', inFleet('create', 'pods'), false],
      [
        'create ClusterRoles',
        { verb: 'create', group: 'rbac.authorization.k8s.io', resource: 'clusterroles' },
        false,
      ],
      [
        'create RoleBindings in kube-system',
        {
          namespace: 'kube-system',
          verb: 'create',
          group: 'rbac.authorization.k8s.io',
          resource: 'rolebindings',
        },
        false,
      ],
      [
        'update any other RoleBinding',
        {
          namespace: fleet,
          verb: 'update',
          group: 'rbac.authorization.k8s.io',
          resource: 'rolebindings',
          name: OPERATORS.name,
        },
        false,
      ],
      [
        'update any other Role',
        {
          namespace: fleet,
          verb: 'update',
          group: 'rbac.authorization.k8s.io',
          resource: 'roles',
          name: 'admin',
        },
        false,
      ],
      [
        'renew another Lease',
        {
          namespace: system,
          verb: 'update',
          group: 'coordination.k8s.io',
          resource: 'leases',
          name: 'kube-scheduler',
        },
        false,
      ],
      [
        'change admission webhook registrations',
        {
          verb: 'update',
          group: 'admissionregistration.k8s.io',
          resource: 'validatingwebhookconfigurations',
        },
        false,
      ],
      ['delete Sites', inFleet('delete', 'sites'), false],
      [
        'write a Site status outside the fleet namespaces',
        { namespace: 'default', verb: 'patch', group: fleetGroup, resource: 'sites', subresource: 'status' },
        false,
      ],
    ]);
  });

  describe('the API', () => {
    table(API.name, [
      ['list Sites in every namespace', { verb: 'list', group: fleetGroup, resource: 'sites' }, true],
      [
        'create a Site in a fleet namespace',
        { namespace: fleet, verb: 'create', group: fleetGroup, resource: 'sites' },
        true,
      ],
      ['patch a Rollout', { namespace: fleet, verb: 'patch', group: fleetGroup, resource: 'rollouts' }, true],
      ['watch partner key Secrets', { namespace: keys, verb: 'watch', resource: 'secrets' }, true],
      ['create a partner key Secret', { namespace: keys, verb: 'create', resource: 'secrets' }, true],
      ['read Secrets in a fleet namespace', { namespace: fleet, verb: 'get', resource: 'secrets' }, false],
      ['list Secrets in a fleet namespace', { namespace: fleet, verb: 'list', resource: 'secrets' }, false],
      [
        'write a Site status',
        { namespace: fleet, verb: 'patch', group: fleetGroup, resource: 'sites', subresource: 'status' },
        false,
      ],
      ['delete Sites', { namespace: fleet, verb: 'delete', group: fleetGroup, resource: 'sites' }, false],
      [
        'create Sites outside the fleet namespaces',
        { namespace: 'default', verb: 'create', group: fleetGroup, resource: 'sites' },
        false,
      ],
    ]);
  });

  describe('the content packager', () => {
    const titles = (verb: string, extra: Record<string, string> = {}) => ({
      namespace: fleet,
      verb,
      group: fleetGroup,
      resource: 'contenttitles',
      ...extra,
    });
    table(
      PACKAGER_SERVICE_ACCOUNT,
      [
        ['get a ContentTitle', titles('get', { name: 'seoul-by-night' }), true],
        [
          'apply its part of a ContentTitle status',
          titles('patch', { subresource: 'status', name: 'seoul-by-night' }),
          true,
        ],
        ['list ContentTitles', titles('list'), false],
        ['watch ContentTitles', titles('watch'), false],
        ['patch a ContentTitle spec', titles('patch', { name: 'seoul-by-night' }), false],
        ['replace a whole ContentTitle status', titles('update', { subresource: 'status' }), false],
        ['get a ContentTitle in another namespace', titles('get', { namespace: 'default' }), false],
        [
          'get Secrets (only the key Secrets, through the operators Role)',
          { namespace: fleet, verb: 'get', resource: 'secrets' },
          false,
        ],
        ['get Sites', { namespace: fleet, verb: 'get', group: fleetGroup, resource: 'sites' }, false],
      ],
      fleet,
    );
  });

  describe('the console', () => {
    table(CONSOLE.name, [['list Sites', { verb: 'list', group: fleetGroup, resource: 'sites' }, false]]);
  });
});
