/**
 * The site program under Pulumi's mocks: what a building's local server declares (the box: the
 * device plugin, the agent, the release namespace with its cache claim, Services, endpoints and
 * quota; never the release's own workloads), sized by the model's sizing for each hardware
 * profile; how the stack's pieces meet the Deployments the agent renders for a release (the
 * Services select their pods and reach a port they expose, the cache mounts the stack's claim,
 * a release fits the quota); the agent's credential and RBAC; and the config errors that stop
 * it, each naming its key.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { before, describe, it } from 'node:test';
import { type HardwareSpec, resourceQuantities, sizeSite } from '@smart-fleet/model';
import { SITE_NAMESPACE, type SiteObject } from '@smart-fleet/operators';
import { type DeclaredStack, declareStack, type KubernetesManifest } from '../testing/declare.ts';
import { renderedSampleRelease } from '../testing/fixtures/sample-bundle.ts';
import { configError, SAMPLE_SITE, siteConfig } from '../testing/fixtures/stack-configs.ts';
import { siteProgram } from './program.ts';
import { BUNDLE_RULES, clusterRules } from './site-agent-access.ts';

type Json = Record<string, any>;

const namespace = 'site-test';
/** One sample site per hardware profile (inventory/sample-fleet.yaml). */
const SITE_PER_PROFILE = {
  entry: 'sch-seoul-00004',
  'smp-half': 'sch-seoul-00001',
  'smp-full': SAMPLE_SITE,
  'cluster-full': 'apt-seoul-00009',
} as const;
const RELEASE_SERVICES = ['streaming-edge', 'cache', 'license-proxy'];
const AGENT_LABEL = ['app.kubernetes.io/managed-by', 'smart-site-agent'] as const;

function podSpec(o: KubernetesManifest | SiteObject): Json {
  return (o.spec as Json).template.spec;
}

const matches = (selector: Record<string, string>, labels: Record<string, string>) =>
  Object.entries(selector).every(([k, v]) => labels[k] === v);

function sizingOf(stack: DeclaredStack) {
  return sizeSite({
    hardware: stack.outputs.hardware as HardwareSpec,
    streaming: { egressBudgetMbps: stack.outputs.egressBudgetMbps as number },
  });
}

const millis = (q: string) => (q.endsWith('m') ? Number(q.slice(0, -1)) : Number(q) * 1000);
const mebi = (q: string) => (q.endsWith('Gi') ? Number(q.slice(0, -2)) * 1024 : Number(q.replace(/Mi$/, '')));

/** What every pod of a rendered release asks for, all replicas: in the quota's own terms. */
function releaseUse(objects: SiteObject[]): Record<string, number> {
  const use: Record<string, number> = {};
  const add = (key: string, n: number) => {
    use[key] = (use[key] ?? 0) + n;
  };
  for (const d of objects.filter((o) => o.kind === 'Deployment')) {
    const replicas = (d.spec as Json).replicas as number;
    for (const c of podSpec(d).containers as Json[]) {
      for (const side of ['requests', 'limits'] as const) {
        add(`${side}.cpu`, millis(c.resources[side].cpu) * replicas);
        add(`${side}.memory`, mebi(c.resources[side].memory) * replicas);
      }
      add(
        'requests.smartfleet.io/stream-accelerator',
        Number(c.resources.requests['smartfleet.io/stream-accelerator'] ?? 0) * replicas,
      );
    }
  }
  return use;
}

function quotaHard(stack: DeclaredStack): Record<string, number> {
  const hard = (stack.object('ResourceQuota', 'release-budget', SITE_NAMESPACE).spec as Json).hard as Record<
    string,
    string
  >;
  return Object.fromEntries(
    Object.entries(hard).map(([k, v]) => [
      k,
      k.endsWith('.cpu') ? millis(v) : k.endsWith('.memory') ? mebi(v) : Number(v),
    ]),
  );
}

describe('the site program', () => {
  let stack: DeclaredStack;
  let token: string;

  before(async () => {
    const options = siteConfig({ namespace });
    token = options.config?.['smart-fleet:agent.bootstrapToken'] ?? '';
    stack = await declareStack(siteProgram, options);
  });

  it('declares the box, every object named, and none of the release workloads the agent renders', () => {
    assert.deepEqual(
      stack.ofType('smart:site:LocalServer').map((r) => r.name),
      [SAMPLE_SITE],
    );
    const names = stack
      .kubernetesObjects()
      .map((o) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`)
      .sort();
    assert.deepEqual(names, [
      `ClusterRole//site-agent-${namespace}`,
      `ClusterRoleBinding//site-agent-${namespace}`,
      'ConfigMap/smart-site/site-endpoints',
      `DaemonSet/${namespace}/stream-accelerator-device-plugin`,
      `Deployment/${namespace}/site-agent`,
      `Namespace//${namespace}`,
      'Namespace//smart-site',
      `PersistentVolumeClaim/${namespace}/site-agent-state`,
      'PersistentVolumeClaim/smart-site/site-cache',
      'ResourceQuota/smart-site/release-budget',
      'Role/smart-site/site-agent',
      'RoleBinding/smart-site/site-agent',
      `Secret/${namespace}/site-agent-bootstrap`,
      'Service/smart-site/cache',
      'Service/smart-site/license-proxy',
      'Service/smart-site/streaming-edge',
      `ServiceAccount/${namespace}/site-agent`,
    ]);
  });

  it("carries no object the agent's prune would take for its own", () => {
    for (const o of stack.kubernetesObjects()) {
      assert.notEqual(o.metadata.labels?.[AGENT_LABEL[0]], AGENT_LABEL[1], `${o.kind} ${o.metadata.name}`);
    }
  });

  it('advertises the accelerators with the least the device plugin needs', () => {
    const plugin = podSpec(stack.object('DaemonSet', 'stream-accelerator-device-plugin', namespace));
    const container = plugin.containers[0];
    assert.deepEqual(plugin.volumes, [
      { name: 'device-plugins', hostPath: { path: '/var/lib/kubelet/device-plugins', type: 'Directory' } },
      { name: 'host-dev', hostPath: { path: '/dev', type: 'Directory' } },
    ]);
    assert.deepEqual(
      container.volumeMounts.find((m: Json) => m.name === 'host-dev'),
      { name: 'host-dev', mountPath: '/dev', readOnly: true },
      'the host devices only read',
    );
    // The kubelet cannot make its default /dev/termination-log in a read-only /dev.
    assert.ok(!container.terminationMessagePath.startsWith('/dev/'), container.terminationMessagePath);
    assert.equal(plugin.hostNetwork, undefined);
    assert.equal(plugin.automountServiceAccountToken, false);
    assert.ok(!container.securityContext.privileged);
    assert.deepEqual(container.securityContext.capabilities, { drop: ['ALL'] });
    assert.equal(container.securityContext.readOnlyRootFilesystem, true);
    assert.equal(container.env.find((e: Json) => e.name === 'ACCELERATOR_COUNT').value, '4');
    assert.equal(
      container.env.find((e: Json) => e.name === 'ACCELERATOR_RESOURCE').value,
      'smartfleet.io/stream-accelerator',
    );
  });

  it("gives the release namespace a cache claim from the box's storage, its endpoints and a quota of the box", () => {
    const cache = stack.object('PersistentVolumeClaim', 'site-cache', SITE_NAMESPACE).spec as Json;
    assert.deepEqual(
      cache,
      { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1800G' } } },
      '90% of 2 TB',
    );
    assert.deepEqual((stack.object('ConfigMap', 'site-endpoints', SITE_NAMESPACE) as Json).data, {
      LICENSE_UPSTREAM_URL: 'https://license.wac-capital.smart-fleet.example',
    });
    // 2 Xeons (8,000m, 16 GiB) less the system's 500m and 1 GiB, less the agent and the plugin.
    assert.deepEqual((stack.object('ResourceQuota', 'release-budget', SITE_NAMESPACE).spec as Json).hard, {
      'requests.cpu': '7380m',
      'limits.cpu': '7380m',
      'requests.memory': '15008Mi',
      'limits.memory': '15008Mi',
      'requests.smartfleet.io/stream-accelerator': '4',
    });
    assert.equal(
      (stack.object('Service', 'streaming-edge', SITE_NAMESPACE).spec as Json).type,
      'LoadBalancer',
    );
    for (const name of ['cache', 'license-proxy']) {
      assert.equal((stack.object('Service', name, SITE_NAMESPACE).spec as Json).type, 'ClusterIP');
    }
  });

  it("selects the pods the agent renders for a release, on the port they expose; the cache mounts the stack's claim", () => {
    const rendered = renderedSampleRelease(SAMPLE_SITE);
    const deployments = rendered.filter((o) => o.kind === 'Deployment');
    assert.deepEqual(deployments.map((d) => d.metadata.name).sort(), [...RELEASE_SERVICES].sort());
    for (const service of stack.kubernetesObjects().filter((o) => o.kind === 'Service')) {
      const spec = service.spec as Json;
      const targets = deployments.filter((d) =>
        matches(spec.selector, (d.spec as Json).template.metadata.labels),
      );
      assert.deepEqual(
        targets.map((d) => d.metadata.name),
        [service.metadata.name],
        `Service ${service.metadata.name}`,
      );
      const ports = podSpec(targets[0] as SiteObject).containers.flatMap((c: Json) => c.ports ?? []);
      for (const port of spec.ports) {
        const target = ports.find((p: Json) => p.name === port.targetPort);
        assert.ok(target, `${service.metadata.name} -> ${port.targetPort}`);
        assert.equal(port.port, 80);
        assert.equal(target.containerPort, 8080);
      }
    }
    const cache = podSpec(deployments.find((d) => d.metadata.name === 'cache') as SiteObject);
    const claim = cache.volumes.find((v: Json) => v.persistentVolumeClaim).persistentVolumeClaim.claimName;
    stack.object('PersistentVolumeClaim', claim, SITE_NAMESPACE);
    for (const d of deployments) {
      const optional = podSpec(d).containers[0].envFrom.find((e: Json) => e.configMapRef.optional);
      stack.object('ConfigMap', optional.configMapRef.name, SITE_NAMESPACE);
    }
  });

  it('runs the agent as `npm run agent` takes it, with its bootstrap token mounted from a Secret', () => {
    const agent = podSpec(stack.object('Deployment', 'site-agent', namespace));
    const container = agent.containers[0];
    assert.deepEqual(container.args, [
      '--hub=https://hub.smart-fleet.example:8443',
      '--namespace=smart-fleet',
      `--site=${SAMPLE_SITE}`,
      '--state-dir=/var/lib/smart-site-agent',
      '--origin=http://origin.wac-capital.smart-fleet.example',
      '--bootstrap-token-file=/var/run/secrets/smart-fleet/bootstrap/token',
      '--heartbeat-seconds=5',
    ]);
    // Every flag is one the agent's command line reads.
    const main = readFileSync(new URL('../../operators/src/agent/main.ts', import.meta.url), 'utf8');
    for (const arg of container.args as string[]) {
      const flag = arg.slice(2, arg.indexOf('='));
      assert.match(main, new RegExp(`'?${flag}'?: \\{ type: 'string'`), `the agent reads --${flag}`);
    }
    const secret = stack.object('Secret', 'site-agent-bootstrap', namespace) as Json;
    assert.deepEqual(secret.stringData, { token });
    const volume = agent.volumes.find((v: Json) => v.secret);
    assert.deepEqual(volume.secret, {
      secretName: 'site-agent-bootstrap',
      defaultMode: 0o440,
      items: [{ key: 'token', path: 'token' }],
    });
    const mount = container.volumeMounts.find((m: Json) => m.name === volume.name);
    assert.equal(`${mount.mountPath}/token`, '/var/run/secrets/smart-fleet/bootstrap/token');
    assert.equal(mount.readOnly, true);
    const state = agent.volumes.find((v: Json) => v.persistentVolumeClaim);
    assert.equal(state.persistentVolumeClaim.claimName, 'site-agent-state');
    assert.equal(
      container.volumeMounts.find((m: Json) => m.name === state.name).mountPath,
      '/var/lib/smart-site-agent',
    );
    assert.equal(agent.serviceAccountName, 'site-agent');
    assert.equal(
      (stack.object('Deployment', 'site-agent', namespace).spec as Json).strategy.type,
      'Recreate',
    );
  });

  it('gives the agent exactly what its code does on its cluster: apply, prune and judge in the release namespace, read its Node', () => {
    const subject = [{ kind: 'ServiceAccount', name: 'site-agent', namespace }];
    const role = stack.object('Role', 'site-agent', SITE_NAMESPACE) as Json;
    assert.deepEqual(role.rules, BUNDLE_RULES);
    assert.deepEqual(BUNDLE_RULES, [
      { apiGroups: [''], resources: ['configmaps'], verbs: ['create', 'patch', 'list', 'delete'] },
      { apiGroups: ['apps'], resources: ['deployments'], verbs: ['create', 'patch', 'list', 'delete'] },
      { apiGroups: [''], resources: ['pods'], verbs: ['list'] },
    ]);
    assert.deepEqual((stack.object('RoleBinding', 'site-agent', SITE_NAMESPACE) as Json).subjects, subject);
    const clusterRole = stack.object('ClusterRole', `site-agent-${namespace}`) as Json;
    assert.deepEqual(clusterRole.rules, clusterRules(SAMPLE_SITE));
    assert.deepEqual(clusterRules(SAMPLE_SITE), [
      { apiGroups: [''], resources: ['namespaces'], verbs: ['patch'], resourceNames: ['smart-site'] },
      { apiGroups: [''], resources: ['nodes'], verbs: ['get'], resourceNames: [SAMPLE_SITE] },
    ]);
    const binding = stack.object('ClusterRoleBinding', `site-agent-${namespace}`) as Json;
    assert.deepEqual(binding.roleRef, {
      apiGroup: 'rbac.authorization.k8s.io',
      kind: 'ClusterRole',
      name: `site-agent-${namespace}`,
    });
    assert.deepEqual(binding.subjects, subject);
  });

  it('keeps the bootstrap token out of ConfigMaps, environments and outputs', () => {
    const notSecrets = stack.kubernetesObjects().filter((o) => o.kind !== 'Secret');
    assert.ok(!JSON.stringify(notSecrets).includes(token));
    assert.ok(!JSON.stringify(stack.outputs).includes(token));
  });

  it('runs every container read-only with requests and limits, non-root but the device plugin', () => {
    for (const w of stack
      .kubernetesObjects()
      .filter((o) => ['Deployment', 'DaemonSet', 'StatefulSet'].includes(o.kind))) {
      const spec = podSpec(w);
      for (const c of spec.containers as Json[]) {
        assert.equal(c.securityContext.readOnlyRootFilesystem, true, w.metadata.name);
        assert.equal(c.securityContext.allowPrivilegeEscalation, false, w.metadata.name);
        assert.ok(
          c.resources.requests.cpu && c.resources.limits.cpu && c.resources.limits.memory,
          w.metadata.name,
        );
        const nonRoot = spec.securityContext?.runAsNonRoot === true && c.securityContext.runAsUser !== 0;
        assert.equal(nonRoot, w.kind !== 'DaemonSet', w.metadata.name);
      }
    }
  });

  it('returns the site, its hardware and how it is shared out', () => {
    const { edge } = sizingOf(stack);
    assert.deepEqual(stack.outputs, {
      site: SAMPLE_SITE,
      region: 'seoul',
      parentCluster: 'wac-capital',
      hardware: {
        profile: 'smp-full',
        cpus: 2,
        modules: 4,
        storageGB: 2000,
        accelerators: 4,
        configuration: 'smp',
      },
      egressBudgetMbps: 4000,
      namespace,
      agentServiceAccount: 'site-agent',
      releaseNamespace: 'smart-site',
      releaseQuota: {
        name: 'release-budget',
        hard: {
          'requests.cpu': '7380m',
          'limits.cpu': '7380m',
          'requests.memory': '15008Mi',
          'limits.memory': '15008Mi',
          'requests.smartfleet.io/stream-accelerator': '4',
        },
      },
      cache: { claim: 'site-cache', size: '1800G' },
      edge: {
        replicas: 1,
        cpu: `${edge.requests.cpuMillis}m`,
        memory: `${edge.requests.memoryMi}Mi`,
        accelerators: 4,
        egressMbps: 4000,
        maxStreams: 2000,
      },
    });
    assert.equal(edge.requests.cpuMillis, 6580);
  });
});

describe('a building sized from each hardware profile', () => {
  for (const [profile, site] of Object.entries(SITE_PER_PROFILE)) {
    it(`${profile} (${site}): the stack's parts, its quota, and a release that fits it`, async () => {
      const stack = await declareStack(siteProgram, siteConfig({ namespace, overrides: { site } }));
      assert.equal((stack.outputs.hardware as Json).profile, profile);
      const sizing = sizingOf(stack);
      const resources = (kind: string, name: string) =>
        podSpec(stack.object(kind, name, namespace)).containers[0].resources;
      assert.deepEqual(resources('Deployment', 'site-agent'), resourceQuantities(sizing.agent));
      assert.ok(sizing.devicePlugin);
      assert.deepEqual(
        resources('DaemonSet', 'stream-accelerator-device-plugin'),
        resourceQuantities(sizing.devicePlugin),
      );
      assert.equal(
        (stack.object('PersistentVolumeClaim', 'site-cache', SITE_NAMESPACE).spec as Json).resources.requests
          .storage,
        `${sizing.cacheVolumeGB}G`,
      );
      const hard = quotaHard(stack);
      assert.deepEqual(
        { ...hard },
        {
          'requests.cpu': sizing.releaseQuota.cpuMillis,
          'limits.cpu': sizing.releaseQuota.cpuMillis,
          'requests.memory': sizing.releaseQuota.memoryMi,
          'limits.memory': sizing.releaseQuota.memoryMi,
          'requests.smartfleet.io/stream-accelerator': sizing.releaseQuota.accelerators,
        },
      );
      // What the agent renders for the sample release on this box, every replica, fits.
      const use = releaseUse(renderedSampleRelease(site));
      for (const [key, used] of Object.entries(use)) {
        assert.ok(used <= (hard[key] ?? 0), `${key}: the release uses ${used} of ${hard[key]}`);
      }
      assert.equal(
        use['requests.smartfleet.io/stream-accelerator'],
        (stack.outputs.hardware as Json).accelerators,
      );
      if (profile === 'cluster-full') {
        const edge = stack.outputs.edge as Json;
        assert.deepEqual([edge.replicas, edge.accelerators, edge.egressMbps], [4, 1, 1000]);
      }
    });
  }
});

describe('site config errors name their key', () => {
  const cases: [string, Record<string, string | undefined>, RegExp][] = [
    ['no site named', { site: undefined }, /^smart-fleet:site: is required/],
    [
      'an unknown site',
      { site: 'apt-atlantis-00001' },
      /^smart-fleet:site: no Site "apt-atlantis-00001" in the inventory \(it has 150:/,
    ],
    [
      'a site the shared rules refuse, and one naming an unknown cluster',
      { inventory: 'stacks/testing/fixtures/inventory-refused.yaml', site: 'apt-overbudget' },
      /^smart-fleet:inventory: .*\n(.*\n)*.*inventory-refused\.yaml:31:36: sites\[0\]\.streaming\.egressBudgetMbps \(Site apt-overbudget\): 4000 Mbps is more than 1 CPU and 1 module can stream \(1000 Mbps\)\n.*inventory-refused\.yaml:41:20: sites\[1\]\.parentCluster \(Site apt-orphan\): wide-area cluster wac-nowhere does not exist/,
    ],
    ['no hub URL', { hubUrl: undefined }, /^smart-fleet:hubUrl: is required/],
    [
      'a hub URL that is none',
      { hubUrl: 'hub:8443' },
      /^smart-fleet:hubUrl: must be an http or https URL, not hub:/,
    ],
    [
      'a hub URL carrying credentials',
      { hubUrl: 'https://admin:pw@hub.example' },
      /^smart-fleet:hubUrl: must not carry credentials/,
    ],
    [
      'no bootstrap token',
      { 'agent.bootstrapToken': undefined },
      /^smart-fleet:agent\.bootstrapToken: is required: pulumi config set --secret/,
    ],
    [
      'a bootstrap token of two words',
      { 'agent.bootstrapToken': 'two words' },
      /^smart-fleet:agent\.bootstrapToken: must be the site's bootstrap token/,
    ],
    [
      'an unknown service type',
      { 'edge.serviceType': 'Ingress' },
      /^smart-fleet:edge\.serviceType: must be one of LoadBalancer, NodePort, ClusterIP, not "Ingress"/,
    ],
    ['no origin', { 'edge.originUrl': undefined }, /^smart-fleet:edge\.originUrl: is required/],
    [
      'an origin the edge cannot fill from',
      { 'edge.originUrl': 'https://origin.example/library' },
      /^smart-fleet:edge\.originUrl: "https:\/\/origin\.example\/library" is not http:\/\/host:port: the edge fills from it as a plain upstream/,
    ],
    [
      'no license service',
      { 'licenseProxy.upstreamUrl': undefined },
      /^smart-fleet:licenseProxy\.upstreamUrl: is required/,
    ],
    [
      'a bad storage class',
      { 'storage.class': 'Local Path' },
      /^smart-fleet:storage\.class: "Local Path" is not a Kubernetes object name/,
    ],
    [
      'a storage class and a local path both',
      { 'storage.class': 'local-path', 'storage.localPath': '/var/lib/smart-fleet/volumes' },
      /^smart-fleet:storage\.localPath: give storage\.class or storage\.localPath, not both/,
    ],
    [
      'a local path that is relative',
      { 'storage.localPath': 'volumes/smart' },
      /^smart-fleet:storage\.localPath: must be an absolute folder on the box/,
    ],
    [
      'a local path with dots in it',
      { 'storage.localPath': '/var/lib/../smart' },
      /^smart-fleet:storage\.localPath: must be an absolute folder on the box/,
    ],
    [
      'device patterns that are not a list',
      { 'accelerators.devicePatterns': '"/dev/nvidia0"' },
      /^smart-fleet:accelerators\.devicePatterns: must be a list of device path patterns/,
    ],
    [
      'a device pattern outside /dev',
      { 'accelerators.devicePatterns': '["/sys/class/accel[0-9]*"]' },
      /^smart-fleet:accelerators\.devicePatterns: "\/sys\/class\/accel\[0-9\]\*" is not under \/dev/,
    ],
    [
      'a device pattern with a glob in its folder',
      { 'accelerators.devicePatterns': '["/dev/*/accel0"]' },
      /^smart-fleet:accelerators\.devicePatterns: device pattern "\/dev\/\*\/accel0": only the last path segment/,
    ],
    [
      'no device pattern at all',
      { 'accelerators.devicePatterns': '[]' },
      /^smart-fleet:accelerators\.devicePatterns: .*give 1 to 16 patterns, not 0/,
    ],
    [
      'a heartbeat too slow',
      { 'agent.heartbeatSeconds': '600' },
      /^smart-fleet:agent\.heartbeatSeconds: must be an integer from 1 to 60/,
    ],
  ];
  for (const [what, overrides, message] of cases) {
    it(`stops on ${what}`, () => {
      const error = configError(siteProgram, siteConfig({ namespace, overrides }));
      assert.equal(error.name, 'StackConfigError');
      assert.match(error.message, message);
    });
  }

  it('uses the storage class it is given for the cache and the agent state, and the edge service type', async () => {
    const stack = await declareStack(
      siteProgram,
      siteConfig({ namespace, overrides: { 'storage.class': 'local-path', 'edge.serviceType': 'NodePort' } }),
    );
    for (const [name, ns] of [
      ['site-cache', SITE_NAMESPACE],
      ['site-agent-state', namespace],
    ] as const) {
      assert.equal(
        (stack.object('PersistentVolumeClaim', name, ns).spec as Json).storageClassName,
        'local-path',
      );
    }
    assert.equal((stack.object('Service', 'streaming-edge', SITE_NAMESPACE).spec as Json).type, 'NodePort');
  });

  it("puts the claims on the box's own disk when given a local path, each on a volume of its own", async () => {
    const root = '/var/lib/smart-fleet/volumes';
    const stack = await declareStack(
      siteProgram,
      siteConfig({
        namespace,
        overrides: {
          'storage.localPath': `${root}/`,
          'accelerators.devicePatterns': '["/dev/nvidia[0-9]*"]',
        },
      }),
    );
    const storageClass = stack.object('StorageClass', 'smart-local') as Json;
    assert.equal(storageClass.provisioner, 'kubernetes.io/no-provisioner');
    assert.equal(storageClass.volumeBindingMode, 'WaitForFirstConsumer');
    for (const [name, ns, size] of [
      ['site-cache', SITE_NAMESPACE, '1800G'],
      ['site-agent-state', namespace, '1Gi'],
    ] as const) {
      const claim = stack.object('PersistentVolumeClaim', name, ns).spec as Json;
      assert.equal(claim.storageClassName, 'smart-local');
      const volume = stack.object('PersistentVolume', name).spec as Json;
      assert.deepEqual(volume.claimRef, { namespace: ns, name }, `${name}'s volume is its alone`);
      assert.equal(volume.storageClassName, 'smart-local');
      assert.equal(volume.persistentVolumeReclaimPolicy, 'Retain');
      assert.deepEqual(volume.local, { path: `${root}/${name}` });
      assert.deepEqual(volume.capacity, { storage: size });
      assert.deepEqual(volume.nodeAffinity.required.nodeSelectorTerms, [
        { matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [SAMPLE_SITE] }] },
      ]);
    }
    const plugin = (stack.object('DaemonSet', 'stream-accelerator-device-plugin', namespace).spec as Json)
      .template.spec.containers[0];
    assert.deepEqual(plugin.args, ['--pattern=/dev/nvidia[0-9]*']);
  });
});
