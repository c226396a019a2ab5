/**
 * The wide-area program under Pulumi's mocks: what it declares for the sample inventory's
 * wac-gangwon cluster, how the pieces are wired (selectors, ports, taints and tolerations,
 * networks, the license service's access), the values it derives from the inventory and config,
 * and the config errors that stop it, each naming its key.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { LICENSE_SERVICE_ACCOUNT } from '@smart-fleet/operators';
// The packager's own flag parser: the CronJob's args must be what `--library` mode accepts.
import { parsePackagerCli as parseCli } from '@smart-fleet/services';
import { type DeclaredStack, declareStack, type KubernetesManifest } from '../testing/declare.ts';
import {
  configError,
  LICENSE_HUB_KUBECONFIG,
  SAMPLE_CLUSTER,
  wideAreaConfig,
} from '../testing/fixtures/stack-configs.ts';
import { KEK_SECRET } from './drm-kek-secret.ts';
import { ENTITLEMENT_KEYS_CONFIG_MAP, HUB_ACCESS_SECRET } from './license-service.ts';
import { NODE_ROLE_KEY } from './node-roles.ts';
import { PACKAGER_HUB_ACCESS_SECRET } from './packaging-jobs.ts';
import { wideAreaProgram } from './program.ts';

type Json = Record<string, any>;

const namespace = 'wac-test';
const nodes = {
  'content-generation': ['encoder-1', 'encoder-2'],
  distribution: ['streamer-1', 'streamer-2', 'streamer-3'],
  'storage-management': ['storage-1'],
};
const roleOf = (node: string) => Object.entries(nodes).find(([, names]) => names.includes(node))?.[0];

function podSpec(o: KubernetesManifest): Json {
  const spec = o.spec as Json;
  return o.kind === 'CronJob' ? spec.jobTemplate.spec.template.spec : spec.template.spec;
}

function podLabels(o: KubernetesManifest): Record<string, string> {
  const spec = o.spec as Json;
  return (o.kind === 'CronJob' ? spec.jobTemplate.spec.template : spec.template).metadata.labels;
}

const matches = (selector: Record<string, string>, labels: Record<string, string>) =>
  Object.entries(selector).every(([k, v]) => labels[k] === v);

/** Does a pod with these tolerations tolerate this taint (the scheduler's rule)? */
function tolerates(tolerations: Json[] = [], taint: Json): boolean {
  return tolerations.some(
    (t) =>
      (t.key === undefined || t.key === taint.key) &&
      (t.effect === undefined || t.effect === taint.effect) &&
      (t.operator === 'Exists' || t.value === taint.value),
  );
}

describe('the wide-area program', () => {
  let stack: DeclaredStack;
  let workloads: KubernetesManifest[];
  let kek: string;
  let packagerKubeconfig: string;
  const options = wideAreaConfig({ namespace, nodes });

  before(async () => {
    kek = options.config?.['smart-fleet:drm.kek'] ?? '';
    packagerKubeconfig = options.config?.['smart-fleet:packaging.hubKubeconfig'] ?? '';
    stack = await declareStack(wideAreaProgram, options);
    workloads = stack
      .kubernetesObjects()
      .filter((o) => ['Deployment', 'DaemonSet', 'StatefulSet', 'CronJob'].includes(o.kind));
  });

  it('declares one WideAreaCluster component holding the cluster, every object named', () => {
    assert.deepEqual(
      stack.ofType('smart:wide-area:WideAreaCluster').map((r) => r.name),
      [SAMPLE_CLUSTER],
    );
    const kinds = stack
      .kubernetesObjects()
      .map((o) => o.kind)
      .sort();
    assert.deepEqual(kinds, [
      'ConfigMap',
      'ConfigMap',
      'CronJob',
      'DaemonSet',
      'Deployment',
      'Deployment',
      'Namespace',
      'NetworkAttachmentDefinition',
      'NetworkAttachmentDefinition',
      'PersistentVolumeClaim',
      'PodDisruptionBudget',
      'PodDisruptionBudget',
      'Role',
      'RoleBinding',
      'Secret',
      'Secret',
      'Secret',
      'Service',
      'Service',
      'ServiceAccount',
    ]);
    for (const o of stack.kubernetesObjects()) {
      assert.ok(o.metadata.name, `${o.kind} has an explicit name`);
      assert.equal(
        o.metadata.namespace ?? namespace,
        namespace,
        `${o.kind} ${o.metadata.name} is in the stack's namespace`,
      );
    }
  });

  it('labels and taints each named node with its role, and only those nodes', () => {
    const patches = stack.ofType('kubernetes:core/v1:NodePatch').map((r) => r.inputs as Json);
    assert.deepEqual(patches.map((p) => p.metadata.name).sort(), Object.values(nodes).flat().sort());
    for (const patch of patches) {
      const role = roleOf(patch.metadata.name);
      assert.deepEqual(patch.metadata.labels, { [NODE_ROLE_KEY]: role });
      assert.deepEqual(patch.spec.taints, [{ key: NODE_ROLE_KEY, value: role, effect: 'NoSchedule' }]);
    }
  });

  it('runs each workload on, and tolerating, the nodes of its role', () => {
    const expected: Record<string, string> = {
      'distribution-origin': 'distribution',
      'drm-license-service': 'distribution',
      'content-packaging': 'content-generation',
    };
    for (const [name, role] of Object.entries(expected)) {
      const workload = workloads.find((w) => w.metadata.name === name);
      assert.ok(workload, name);
      const spec = podSpec(workload);
      assert.deepEqual(spec.nodeSelector, { [NODE_ROLE_KEY]: role }, name);
      const taint = { key: NODE_ROLE_KEY, value: role, effect: 'NoSchedule' };
      assert.ok(tolerates(spec.tolerations, taint), `${name} tolerates ${role}`);
      const other = { ...taint, value: role === 'distribution' ? 'storage-management' : 'distribution' };
      assert.ok(!tolerates(spec.tolerations, other), `${name} does not tolerate another role`);
    }
    const rdma = podSpec(stack.object('DaemonSet', 'rdma-shared-device-plugin', namespace));
    const term =
      rdma.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0];
    assert.deepEqual(term.matchExpressions, [
      {
        key: NODE_ROLE_KEY,
        operator: 'In',
        values: ['content-generation', 'distribution', 'storage-management'],
      },
    ]);
    for (const role of Object.keys(nodes)) {
      assert.ok(tolerates(rdma.tolerations, { key: NODE_ROLE_KEY, value: role, effect: 'NoSchedule' }));
    }
  });

  it('selects its own pods, and services reach a named container port', () => {
    for (const w of workloads.filter((w) => w.kind !== 'CronJob')) {
      assert.ok(
        matches((w.spec as Json).selector.matchLabels, podLabels(w)),
        `${w.metadata.name} selects its pods`,
      );
    }
    for (const service of stack.kubernetesObjects().filter((o) => o.kind === 'Service')) {
      const spec = service.spec as Json;
      const targets = workloads.filter((w) => matches(spec.selector, podLabels(w)));
      assert.equal(targets.length, 1, `Service ${service.metadata.name} selects one workload`);
      const ports = podSpec(targets[0] as KubernetesManifest).containers.flatMap((c: Json) => c.ports ?? []);
      for (const port of spec.ports) {
        assert.ok(
          ports.some((p: Json) => p.name === port.targetPort),
          `${service.metadata.name} targets ${port.targetPort}`,
        );
      }
    }
    for (const pdb of stack.kubernetesObjects().filter((o) => o.kind === 'PodDisruptionBudget')) {
      const selector = (pdb.spec as Json).selector.matchLabels;
      assert.equal(workloads.filter((w) => matches(selector, podLabels(w))).length, 1, pdb.metadata.name);
    }
  });

  it('declares an IPoIB network per fabric partition, and the origin joins them by name', () => {
    const nads = stack.kubernetesObjects().filter((o) => o.kind === 'NetworkAttachmentDefinition');
    assert.deepEqual(
      nads.map((n) => ({
        apiVersion: n.apiVersion,
        name: n.metadata.name,
        config: JSON.parse((n.spec as Json).config),
      })),
      [
        {
          apiVersion: 'k8s.cni.cncf.io/v1',
          name: 'ipoib-content',
          config: {
            cniVersion: '0.3.1',
            name: 'ipoib-content',
            type: 'ipoib',
            master: 'ib0.8001',
            ipam: { type: 'whereabouts', range: '10.200.0.0/17' },
          },
        },
        {
          apiVersion: 'k8s.cni.cncf.io/v1',
          name: 'ipoib-storage',
          config: {
            cniVersion: '0.3.1',
            name: 'ipoib-storage',
            type: 'ipoib',
            master: 'ib0.8002',
            ipam: { type: 'whereabouts', range: '10.200.128.0/17' },
          },
        },
      ],
    );
    const origin = stack.object('Deployment', 'distribution-origin', namespace);
    const annotation = (origin.spec as Json).template.metadata.annotations['k8s.v1.cni.cncf.io/networks'];
    assert.equal(annotation, `${namespace}/ipoib-content,${namespace}/ipoib-storage`);
    const rdmaConfig = JSON.parse(
      (stack.object('ConfigMap', 'rdma-shared-device-plugin-config', namespace) as Json).data['config.json'],
    );
    const resource = `rdma/${rdmaConfig.configList[0].resourceName}`;
    assert.deepEqual(rdmaConfig.configList[0].selectors, { ifNames: ['ib0'] });
    const container = podSpec(origin).containers[0];
    assert.equal(container.resources.requests[resource], '1', 'the origin requests a shared HCA');
    assert.equal(container.resources.limits[resource], '1');
  });

  it('sizes the content library from the inventory, and mounts it read-only where it is only read', () => {
    const claim = stack.object('PersistentVolumeClaim', 'content-library', namespace).spec as Json;
    assert.deepEqual(claim, {
      accessModes: ['ReadWriteMany'],
      storageClassName: 'content-library-fs',
      resources: { requests: { storage: '300T' } },
    });
    const mount = (name: string, kind: string) => {
      const spec = podSpec(stack.object(kind, name, namespace));
      const volume = spec.volumes.find((v: Json) => v.persistentVolumeClaim?.claimName === 'content-library');
      const volumeMount = spec.containers[0].volumeMounts.find((m: Json) => m.name === volume.name);
      return {
        claimReadOnly: volume.persistentVolumeClaim.readOnly,
        mountReadOnly: volumeMount.readOnly ?? false,
      };
    };
    assert.deepEqual(mount('distribution-origin', 'Deployment'), {
      claimReadOnly: true,
      mountReadOnly: true,
    });
    assert.deepEqual(mount('content-packaging', 'CronJob'), { claimReadOnly: false, mountReadOnly: false });
  });

  it('packages on a schedule, one pod per content-generation node, never overlapping', () => {
    const cron = stack.object('CronJob', 'content-packaging', namespace);
    assert.equal(cron.apiVersion, 'batch/v1beta1', 'what a 1.20 cluster serves');
    const spec = cron.spec as Json;
    assert.equal(spec.schedule, '*/15 * * * *');
    assert.equal(spec.concurrencyPolicy, 'Forbid');
    assert.equal(spec.jobTemplate.spec.parallelism, nodes['content-generation'].length);
    assert.match(podSpec(cron).containers[0].image, /smart-fleet-packager:/);
    assert.ok(podSpec(cron).containers[0].args.includes('--formats=hls,dash'));
  });

  it("gives the license service the operators' identity, reading only its DRM Secrets", () => {
    const deployment = podSpec(stack.object('Deployment', 'drm-license-service', namespace));
    assert.equal(deployment.serviceAccountName, LICENSE_SERVICE_ACCOUNT);
    stack.object('ServiceAccount', LICENSE_SERVICE_ACCOUNT, namespace);
    const role = stack.object('Role', 'drm-license-service', namespace) as Json;
    const secrets = stack.kubernetesObjects().filter((o) => o.kind === 'Secret');
    assert.equal(role.rules.length, 1, 'one rule');
    const [rule] = role.rules;
    assert.deepEqual([rule.apiGroups, rule.resources, rule.verbs], [[''], ['secrets'], ['get']]);
    assert.deepEqual(
      [...rule.resourceNames].sort(),
      secrets
        .map((s) => s.metadata.name)
        .filter((name) => name !== PACKAGER_HUB_ACCESS_SECRET)
        .sort(),
      "exactly the Secrets the stack gives it: the KEK and its hub credential, not the packager's",
    );
    assert.deepEqual([...rule.resourceNames].sort(), [KEK_SECRET, HUB_ACCESS_SECRET].sort());
    const binding = stack.object('RoleBinding', 'drm-license-service', namespace) as Json;
    assert.deepEqual(binding.roleRef, {
      apiGroup: 'rbac.authorization.k8s.io',
      kind: 'Role',
      name: 'drm-license-service',
    });
    assert.deepEqual(binding.subjects, [
      { kind: 'ServiceAccount', name: LICENSE_SERVICE_ACCOUNT, namespace },
    ]);
    const kekSecret = stack.object('Secret', 'drm-license-kek', namespace) as Json;
    assert.deepEqual(kekSecret.stringData, { kek, 'kek-id': 'kek-1' });
    const env = deployment.containers[0].env as Json[];
    const names = Object.fromEntries(env.filter((e) => e.value).map((e) => [e.name, e.value]));
    assert.equal(names.SMART_FLEET_DRM_KEK_SECRET, 'drm-license-kek');
    assert.equal(names.SMART_FLEET_HUB_NAMESPACE, 'smart-fleet', "the inventory's namespace in the hub");
    // The hub's published keys, which it verifies entitlements with, from a ConfigMap.
    const jwks = env.find((e) => e.name === 'SMART_FLEET_ENTITLEMENT_JWKS');
    assert.deepEqual(jwks?.valueFrom, {
      configMapKeyRef: { name: ENTITLEMENT_KEYS_CONFIG_MAP, key: 'jwks.json' },
    });
    const keys = stack.object('ConfigMap', ENTITLEMENT_KEYS_CONFIG_MAP, namespace) as Json;
    const configured = JSON.parse(options.config?.['smart-fleet:drm.entitlementKeys'] ?? '{}');
    assert.deepEqual(JSON.parse(keys.data['jwks.json']), {
      keys: configured.keys.map((k: Json) => ({ ...k, use: 'sig' })),
    });
    const template = stack.object('Deployment', 'drm-license-service', namespace) as Json;
    assert.match(
      template.spec.template.metadata.annotations['smartfleet.io/entitlement-keys'],
      /^[0-9a-f]{16}$/,
    );
  });

  it('gives the packaging job its hub credential and the KEK as read-only files, and the flags to use them', () => {
    const cron = stack.object('CronJob', 'content-packaging', namespace);
    const pod = podSpec(cron);
    const container = pod.containers[0] as Json;
    // What the packager's own parser makes of the args: library mode, against the inventory's
    // hub namespace, the KEK from a file under the configured id.
    const parsed = parseCli(container.args);
    assert.ok(!parsed.help && parsed.library, String(container.args));
    const { library } = parsed;
    assert.equal(library.library, '/srv/content');
    assert.equal(library.namespace, 'smart-fleet', "the inventory's namespace in the hub");
    assert.equal(library.kekId, 'kek-1');
    assert.deepEqual(library.options.formats, ['hls', 'dash']);
    // Each file the flags name lies in a read-only mount of a declared Secret holding that key.
    const fileOf = (path: string) => {
      const mount = (container.volumeMounts as Json[]).find((m) => path.startsWith(`${m.mountPath}/`));
      assert.ok(mount, `${path} is in no mount`);
      assert.equal(mount.readOnly, true, `${mount.name} is mounted read-only`);
      const volume = (pod.volumes as Json[]).find((v) => v.name === mount.name) as Json;
      const file = path.slice(mount.mountPath.length + 1);
      const item = volume.secret?.items?.find((i: Json) => i.path === file);
      assert.ok(item, `${path}: volume ${mount.name} projects no ${file}`);
      assert.equal(volume.secret.defaultMode, 0o440, 'group-readable (fsGroup), never writable');
      const secret = stack.object('Secret', volume.secret.secretName, namespace) as Json;
      return { secret: secret.metadata.name, value: secret.stringData[item.key], items: volume.secret.items };
    };
    const kekFile = fileOf(library.kekFile as string);
    assert.equal(kekFile.secret, KEK_SECRET, "the license service's KEK Secret, not a second copy");
    assert.equal(kekFile.value, kek);
    assert.equal(kekFile.items.length, 1, 'only the KEK itself is projected');
    const env = container.env as Json[];
    assert.deepEqual(
      env.map((e) => e.name),
      ['KUBECONFIG'],
      'no credential in the environment, only where to find one',
    );
    const kubeconfigFile = fileOf(env[0]?.value);
    assert.equal(kubeconfigFile.secret, PACKAGER_HUB_ACCESS_SECRET, 'its own hub credential');
    assert.equal(kubeconfigFile.value, packagerKubeconfig);
    assert.equal(pod.automountServiceAccountToken, false, 'no token of this cluster');
    assert.equal(pod.securityContext.runAsNonRoot, true);
    assert.ok(pod.securityContext.fsGroup, 'an fsGroup to own the mounted files');
  });

  it('keeps the KEK and both hub credentials out of ConfigMaps, environments and outputs', () => {
    const notSecrets = stack.kubernetesObjects().filter((o) => o.kind !== 'Secret');
    assert.ok(!JSON.stringify(notSecrets).includes(kek));
    assert.ok(!JSON.stringify(stack.outputs).includes(kek));
    assert.ok(!JSON.stringify(notSecrets).includes(packagerKubeconfig));
  });

  it('runs every container non-root (but the RDMA plugin), read-only, with requests and limits', () => {
    for (const w of workloads) {
      const spec = podSpec(w);
      for (const c of spec.containers as Json[]) {
        const where = `${w.metadata.name}/${c.name}`;
        assert.equal(c.securityContext.readOnlyRootFilesystem, true, where);
        assert.equal(c.securityContext.allowPrivilegeEscalation, false, where);
        assert.deepEqual(c.securityContext.capabilities, { drop: ['ALL'] }, where);
        assert.ok(!c.securityContext.privileged, where);
        assert.ok(c.resources.requests.cpu && c.resources.limits.memory, where);
        const nonRoot = spec.securityContext?.runAsNonRoot === true && c.securityContext.runAsUser !== 0;
        assert.equal(nonRoot, w.metadata.name !== 'rdma-shared-device-plugin', where);
      }
    }
  });

  it('returns what an operator wires the local servers to', () => {
    assert.deepEqual(stack.outputs, {
      cluster: SAMPLE_CLUSTER,
      regions: ['gangwon'],
      namespace,
      nodeGroups: {
        'content-generation': { inventory: 6, labelled: 2 },
        distribution: { inventory: 12, labelled: 3 },
        'storage-management': { inventory: 6, labelled: 1 },
      },
      networks: [
        { name: 'ipoib-content', partition: 'content', master: 'ib0.8001', range: '10.200.0.0/17' },
        { name: 'ipoib-storage', partition: 'storage', master: 'ib0.8002', range: '10.200.128.0/17' },
      ],
      rdmaResource: 'rdma/hca_shared_devices_a',
      contentLibrary: { claim: 'content-library', size: '300T', storageClass: 'content-library-fs' },
      originUrl: `http://distribution-origin.${namespace}.svc`,
      licenseServiceUrl: `http://drm-license-service.${namespace}.svc`,
    });
  });

  it('derives what config overrides: origin replicas, fabric range and interface, API versions', async () => {
    const changed = await declareStack(
      wideAreaProgram,
      wideAreaConfig({
        namespace,
        nodes,
        overrides: {
          'origin.replicas': '5',
          'fabric.cidr': '172.20.0.0/20',
          'fabric.interface': 'ib1',
          kubernetesVersion: '1.28',
        },
      }),
    );
    assert.equal((changed.object('Deployment', 'distribution-origin', namespace).spec as Json).replicas, 5);
    assert.deepEqual(
      (changed.outputs.networks as Json[]).map((n) => [n.master, n.range]),
      [
        ['ib1.8001', '172.20.0.0/21'],
        ['ib1.8002', '172.20.8.0/21'],
      ],
    );
    assert.equal(changed.object('CronJob', 'content-packaging', namespace).apiVersion, 'batch/v1');
    assert.equal(
      changed.object('PodDisruptionBudget', 'distribution-origin', namespace).apiVersion,
      'policy/v1',
    );
    assert.equal(
      (stack.object('Deployment', 'distribution-origin', namespace).spec as Json).replicas,
      nodes.distribution.length,
      'by default one origin per distribution node named',
    );
  });
});

describe('wide-area config errors name their key', () => {
  const cases: [string, Record<string, string | undefined>, RegExp][] = [
    ['no cluster named', { cluster: undefined }, /^smart-fleet:cluster: is required/],
    [
      'an unknown cluster',
      { cluster: 'wac-atlantis' },
      /^smart-fleet:cluster: no WideAreaCluster "wac-atlantis" in the inventory \(it has 6: wac-capital/,
    ],
    ['no inventory', { inventory: undefined }, /^smart-fleet:inventory: is required/],
    [
      'a missing inventory file',
      { inventory: 'inventory/none.yaml' },
      /^smart-fleet:inventory: .*none\.yaml/,
    ],
    [
      'an inventory the shared rules refuse',
      { inventory: 'stacks/testing/fixtures/inventory-refused.yaml' },
      /^smart-fleet:inventory: .* has 3 problem\(s\):\n.*inventory-refused\.yaml:14:5: .*missing node group for storage-management/,
    ],
    [
      'a node group with no nodes',
      { nodes: JSON.stringify({ 'content-generation': ['a'], distribution: ['b'] }) },
      /^smart-fleet:nodes: storage-management: no nodes named for the storage-management node group/,
    ],
    [
      'more nodes than the inventory has',
      {
        nodes: JSON.stringify({
          'content-generation': ['a', 'b', 'c', 'd', 'e', 'f', 'g'],
          distribution: ['h'],
          'storage-management': ['i'],
        }),
      },
      /^smart-fleet:nodes: content-generation: 7 nodes named, but the inventory's content-generation node group has 6/,
    ],
    [
      'a node in two groups',
      {
        nodes: JSON.stringify({
          'content-generation': ['a'],
          distribution: ['a'],
          'storage-management': ['b'],
        }),
      },
      /^smart-fleet:nodes: node a is named in more than one node group/,
    ],
    [
      'an unknown role',
      { nodes: JSON.stringify({ encoders: ['a'] }) },
      /^smart-fleet:nodes: encoders is not a node role/,
    ],
    ['nodes that are not JSON', { nodes: '{not json' }, /^smart-fleet:nodes: is not valid JSON/],
    [
      'a bad CIDR',
      { 'fabric.cidr': '10.200.0.0/40' },
      /^smart-fleet:fabric\.cidr: "10\.200\.0\.0\/40" is not an IPv4 CIDR/,
    ],
    [
      'a range too small',
      { 'fabric.cidr': '10.200.0.0/27' },
      /^smart-fleet:fabric\.cidr: .*gives 14 addresses each, fewer than the 24/,
    ],
    [
      'a bad interface',
      { 'fabric.interface': 'ib 0' },
      /^smart-fleet:fabric\.interface: "ib 0" is not an interface name/,
    ],
    [
      'no storage class',
      { 'contentLibrary.storageClass': undefined },
      /^smart-fleet:contentLibrary\.storageClass: is required/,
    ],
    [
      'a KEK that is not 32 bytes',
      { 'drm.kek': 'c2hvcnQ=' },
      /^smart-fleet:drm\.kek: KEK must be base64 of exactly 32 bytes; the value given decodes to 5 bytes; make one with: openssl rand -base64 32/,
    ],
    ['no KEK', { 'drm.kek': undefined }, /^smart-fleet:drm\.kek: is required: pulumi config set --secret/],
    [
      "no hub's entitlement keys",
      { 'drm.entitlementKeys': undefined },
      /^smart-fleet:drm\.entitlementKeys: is required/,
    ],
    [
      'entitlement keys that are not a key set',
      { 'drm.entitlementKeys': '{"keys": []}' },
      /^smart-fleet:drm\.entitlementKeys: a key set is .* with 1 to 16 keys; copy the hub's: pulumi stack output/,
    ],
    [
      'a hub credential that is no kubeconfig',
      { 'drm.hubKubeconfig': 'token' },
      /^smart-fleet:drm\.hubKubeconfig: must be a kubeconfig/,
    ],
    [
      "no packager's hub credential",
      { 'packaging.hubKubeconfig': undefined },
      /^smart-fleet:packaging\.hubKubeconfig: is required: pulumi config set --secret smart-fleet:packaging\.hubKubeconfig/,
    ],
    [
      "a packager's hub credential that is no kubeconfig",
      { 'packaging.hubKubeconfig': 'token' },
      /^smart-fleet:packaging\.hubKubeconfig: must be a kubeconfig/,
    ],
    [
      "the license service's hub credential as the packager's",
      { 'packaging.hubKubeconfig': LICENSE_HUB_KUBECONFIG },
      /^smart-fleet:packaging\.hubKubeconfig: is the same as smart-fleet:drm\.hubKubeconfig: the packager reaches the hub as its own content-packager ServiceAccount/,
    ],
    [
      'a bad schedule',
      { 'packaging.schedule': 'hourly' },
      /^smart-fleet:packaging\.schedule: "hourly" is not a five-field cron schedule/,
    ],
    [
      'an unknown format',
      { 'packaging.formats': 'hls,smooth' },
      /^smart-fleet:packaging\.formats: "smooth" is not one of hls, dash/,
    ],
    [
      'a bad namespace',
      { namespace: 'Wide_Area' },
      /^smart-fleet:namespace: "Wide_Area" is not a namespace name/,
    ],
    [
      'too many origins',
      { 'origin.replicas': '0' },
      /^smart-fleet:origin\.replicas: must be an integer from 1 to 1000/,
    ],
    [
      'an old Kubernetes',
      { kubernetesVersion: '1.19' },
      /^smart-fleet:kubernetesVersion: must be a Kubernetes version 1\.20 or later/,
    ],
  ];
  for (const [what, overrides, message] of cases) {
    it(`stops on ${what}`, () => {
      const error = configError(wideAreaProgram, wideAreaConfig({ namespace, nodes, overrides }));
      assert.equal(error.name, 'StackConfigError');
      assert.match(error.message, message);
    });
  }

  it('never prints the secret it refuses', () => {
    const bad = 'not-a-kek-but-a-secret';
    const error = configError(
      wideAreaProgram,
      wideAreaConfig({ namespace, nodes, overrides: { 'drm.kek': bad } }),
    );
    assert.match(error.message, /drm\.kek/);
    assert.ok(!error.message.includes(bad));
  });
});
