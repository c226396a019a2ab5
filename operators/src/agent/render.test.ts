import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { describe, it } from 'node:test';
import {
  HARDWARE_PROFILES,
  type HardwareProfileName,
  hardwareEgressLimitMbps,
  resourceQuantities,
  type SiteReleaseSpec,
  type SiteSpec,
  sizeSite,
} from '@smart-fleet/model';
import { makeBundle } from './bundle.ts';
import { type EdgeInputs, MANAGED_LABEL, RenderError, renderBundle, type SiteObject } from './render.ts';

type Json = Record<string, any>;

function siteSpec(profile: HardwareProfileName, egressBudgetMbps?: number): SiteSpec {
  const hardware = { ...HARDWARE_PROFILES[profile] };
  return {
    kind: 'school',
    location: { region: 'busan', address: 'x', latitude: 35, longitude: 129 },
    subscriberCap: 200,
    hardware,
    streaming: { egressBudgetMbps: egressBudgetMbps ?? hardwareEgressLimitMbps(hardware) },
  } as SiteSpec;
}

const services = [
  { name: 'streaming-edge', image: 'smart/edge:1', settings: { LOG_LEVEL: 'info' } },
  { name: 'cache', image: 'smart/cache:1' },
  { name: 'license-proxy', image: 'smart/license-proxy:1' },
  // A service the sizing does not know (the kind's enum may grow before the sizing does).
  { name: 'subtitle-renderer' as 'cache', image: 'smart/subtitles:1' },
] satisfies SiteReleaseSpec['services'];

const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const keySet = { keys: [{ ...publicKey.export({ format: 'jwk' }), kid: 'hub-1', alg: 'ES256' }] };
const edgeInputs: EdgeInputs = {
  originUrls: ['http://10.0.0.10:8080', 'http://10.0.0.11:8080'],
  fillAllowed: false,
};
type Placement = NonNullable<Parameters<typeof makeBundle>[0]['placement']>;
const emptyPlacement: Placement = {
  site: 'sch-busan-00001',
  titles: [],
  fillWindow: { start: '02:00', durationMinutes: 60 },
};

/** `edge` null: an agent started without the edge's inputs; `keys` null: a hub that sent none. */
function render(
  spec: SiteSpec,
  edge: EdgeInputs | null = edgeInputs,
  placement = emptyPlacement,
  keys: object | null = keySet,
) {
  return renderBundle(
    makeBundle({
      site: { name: 'sch-busan-00001', namespace: 'smart-fleet', spec },
      release: { name: 'r1', spec: { version: '1.0.0', channel: 'stable', services } },
      placement,
      ...(keys ? { entitlementKeys: keys as typeof keySet } : {}),
    }),
    edge ?? undefined,
  );
}

function deployment(objects: SiteObject[], name: string): Json {
  const found = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === name);
  assert.ok(found, `Deployment ${name}`);
  return found as Json;
}

const container = (d: Json): Json => d.spec.template.spec.containers[0];

describe('renderBundle', () => {
  it('renders site values, the placement and settings and a Deployment per service, all labelled for pruning', () => {
    const objects = render(siteSpec('entry'));
    assert.deepEqual(
      objects.map((o) => `${o.kind}/${o.metadata.name}`),
      [
        'Namespace/smart-site',
        'ConfigMap/site-values',
        'ConfigMap/content-placement',
        'ConfigMap/streaming-edge-settings',
        'ConfigMap/streaming-edge-plan',
        'ConfigMap/entitlement-keys',
        'Deployment/streaming-edge',
        'ConfigMap/cache-settings',
        'Deployment/cache',
        'ConfigMap/license-proxy-settings',
        'Deployment/license-proxy',
        'ConfigMap/subtitle-renderer-settings',
        'Deployment/subtitle-renderer',
      ],
    );
    assert.ok(objects.every((o) => o.metadata.labels[MANAGED_LABEL] === 'smart-site-agent'));
    assert.ok(objects.every((o) => o.kind === 'Namespace' || o.metadata.namespace === 'smart-site'));
  });

  for (const profile of Object.keys(HARDWARE_PROFILES) as HardwareProfileName[]) {
    it(`${profile}: sizes every service by the model's site sizing`, () => {
      const spec = siteSpec(profile);
      const sizing = sizeSite(spec);
      const objects = render(spec);
      const edge = deployment(objects, 'streaming-edge');
      const cards = { 'smartfleet.io/stream-accelerator': String(sizing.edge.accelerators) };
      const edgeAmount = resourceQuantities(sizing.edge);
      assert.equal(edge.spec.replicas, sizing.edge.replicas);
      assert.deepEqual(container(edge).resources, {
        requests: { ...edgeAmount.requests, ...cards },
        limits: { ...edgeAmount.limits, ...cards },
      });
      assert.deepEqual(container(edge).env, [
        { name: 'SITE_NAME', value: 'sch-busan-00001' },
        { name: 'EGRESS_BUDGET_MBPS', value: String(sizing.edge.egressMbps) },
        { name: 'MAX_STREAMS', value: String(sizing.edge.maxStreams) },
        { name: 'ACCELERATORS', value: String(sizing.edge.accelerators) },
        { name: 'EDGE_PLAN_FILE', value: '/etc/smart-fleet/edge-plan/plan.json' },
        { name: 'ENTITLEMENT_KEYS_FILE', value: '/etc/smart-fleet/entitlement-keys/jwks.json' },
      ]);
      const plan = objects.find((o) => o.metadata.name === 'streaming-edge-plan') as Json;
      assert.equal(
        JSON.parse(plan.data['plan.json']).egressBudgetMbps,
        sizing.edge.egressMbps,
        "each replica's plan admits within its own share of the egress",
      );
      assert.deepEqual(container(deployment(objects, 'cache')).resources, resourceQuantities(sizing.cache));
      assert.deepEqual(
        container(deployment(objects, 'license-proxy')).resources,
        resourceQuantities(sizing.licenseProxy),
      );
      assert.deepEqual(container(deployment(objects, 'subtitle-renderer')).resources, {
        requests: { cpu: '50m', memory: '64Mi' },
        limits: { cpu: '100m', memory: '128Mi' },
      });
      if (profile === 'cluster-full') {
        assert.deepEqual([edge.spec.replicas, cards['smartfleet.io/stream-accelerator']], [4, '1']);
      }
    });
  }

  it('records the platform parts a release names, and never runs a second agent or device plugin', () => {
    const objects = renderBundle(
      makeBundle({
        site: { name: 'sch-busan-00001', namespace: 'smart-fleet', spec: siteSpec('smp-full') },
        release: {
          name: 'r2',
          spec: {
            version: '2.0.0',
            channel: 'stable',
            services: [
              { name: 'streaming-edge', image: 'smart/edge:2' },
              { name: 'site-agent', image: 'smart/agent:2' },
              { name: 'accelerator-plugin', image: 'smart/plugin:2' },
            ],
          },
        },
        entitlementKeys: keySet,
      }),
      edgeInputs,
    );
    const deployments = objects.filter((o) => o.kind === 'Deployment').map((o) => o.metadata.name);
    assert.deepEqual(deployments, ['streaming-edge']);
    const platform = objects.find((o) => o.metadata.name === 'platform-versions') as Json | undefined;
    assert.deepEqual(platform?.data, {
      'site-agent': 'smart/agent:2',
      'accelerator-plugin': 'smart/plugin:2',
    });
    assert.equal(platform?.metadata.labels[MANAGED_LABEL], 'smart-site-agent', 'pruned with the release');
  });

  it("gives the edge pod its plan and the hub's public keys as mounted ConfigMaps, and a state folder", () => {
    const placement: Placement = {
      ...emptyPlacement,
      titles: [{ title: 'moana', renditions: ['low', 'high'], sizeMB: 900 }],
    };
    const objects = render(siteSpec('entry', 400), { ...edgeInputs, fillAllowed: true }, placement);
    const data = (name: string) => (objects.find((o) => o.metadata.name === name) as Json).data;
    assert.deepEqual(JSON.parse(data('streaming-edge-plan')['plan.json']), {
      egressBudgetMbps: 400,
      originUrls: edgeInputs.originUrls,
      titles: [{ title: 'moana', renditions: ['low', 'high'], sizeMB: 900 }],
      fillAllowed: true,
    });
    // As the hub published it: each key's public members, marked for signatures.
    assert.deepEqual(JSON.parse(data('entitlement-keys')['jwks.json']), {
      keys: keySet.keys.map((k) => ({ ...k, use: 'sig' })),
    });
    const pod = deployment(objects, 'streaming-edge').spec.template.spec;
    assert.deepEqual(
      container(deployment(objects, 'streaming-edge')).volumeMounts.map((m: Json) => [
        m.mountPath,
        m.readOnly,
      ]),
      [
        ['/tmp', undefined],
        ['/etc/smart-fleet/edge-plan', true],
        ['/etc/smart-fleet/entitlement-keys', true],
        ['/var/lib/smart-fleet', undefined],
      ],
    );
    assert.deepEqual(
      pod.volumes.map((v: Json) => v.configMap?.name ?? Object.keys(v).find((k) => k !== 'name')),
      ['emptyDir', 'streaming-edge-plan', 'entitlement-keys', 'emptyDir'],
    );
    for (const name of ['cache', 'license-proxy']) {
      const c = container(deployment(objects, name));
      assert.equal(c.env[0].value, 'sch-busan-00001', `${name} is told its site`);
      assert.ok(!c.volumeMounts.some((m: Json) => m.mountPath.startsWith('/etc/smart-fleet')));
    }
  });

  it('refuses, by name, an edge it cannot give a plan: no origins, no keys or bad ones, a plan too big for a ConfigMap', () => {
    assert.throws(
      () => render(siteSpec('entry'), null),
      (e: Error) =>
        e instanceof RenderError &&
        /release r1 runs a streaming-edge, but this agent was started without the edge's origins \(--origin\)/.test(
          e.message,
        ),
    );
    assert.throws(
      () => render(siteSpec('entry'), edgeInputs, emptyPlacement, null),
      /release r1 runs a streaming-edge, but the hub gave no entitlement keys .*--entitlement-keys/,
    );
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const secret = { keys: [{ ...privateKey.export({ format: 'jwk' }), kid: 'hub-1', alg: 'ES256' }] };
    assert.throws(
      () => render(siteSpec('entry'), edgeInputs, emptyPlacement, secret),
      /the hub's entitlement keys are refused: key hub-1: a verifier is given public keys only/,
    );
    const many: Placement = {
      ...emptyPlacement,
      titles: Array.from({ length: 10_000 }, (_, i) => ({
        // The kind's limits: 10,000 titles of up to 63 characters, 16 renditions each.
        title: `a-title-with-a-name-as-long-as-a-kubernetes-name-allows-${String(i).padStart(5, '0')}`,
        renditions: Array.from({ length: 16 }, (_, r) => `rendition-${r}`),
        sizeMB: 1000,
      })),
    };
    assert.throws(
      () => render(siteSpec('entry'), edgeInputs, many),
      /the edge's plan\.json is \d+ bytes; a ConfigMap holds at most 1000000/,
    );
  });

  it('replaces the pods when only a release setting changes: the settings digest is in the template', () => {
    const digest = (settings: Record<string, string>) => {
      const [edge] = renderBundle(
        makeBundle({
          site: { name: 'sch-busan-00001', namespace: 'smart-fleet', spec: siteSpec('entry') },
          release: {
            name: 'r1',
            spec: {
              version: '1.0.0',
              channel: 'stable',
              services: [{ name: 'streaming-edge', image: 'smart/edge:1', settings }],
            },
          },
          entitlementKeys: keySet,
        }),
        edgeInputs,
      ).filter((o) => o.kind === 'Deployment') as Json[];
      return edge?.spec.template.metadata.annotations['smartfleet.io/settings-digest'];
    };
    assert.equal(
      digest({ A: '1', B: '2' }),
      digest({ B: '2', A: '1' }),
      'the order of the settings is not a change',
    );
    assert.notEqual(digest({ A: '1' }), digest({ A: '2' }));
  });

  it('mounts the cache claim the stack declares into the cache, and only there', () => {
    const objects = render(siteSpec('smp-full'));
    const cache = deployment(objects, 'cache');
    const claim = cache.spec.template.spec.volumes.find((v: Json) => v.persistentVolumeClaim);
    assert.deepEqual(claim, { name: 'cache', persistentVolumeClaim: { claimName: 'site-cache' } });
    assert.ok(
      container(cache).volumeMounts.some(
        (m: Json) => m.name === 'cache' && m.mountPath === '/var/cache/smart-site',
      ),
    );
    assert.deepEqual(container(cache).env, [
      { name: 'SITE_NAME', value: 'sch-busan-00001' },
      { name: 'CACHE_DIR', value: '/var/cache/smart-site' },
      { name: 'CACHE_SIZE_GB', value: '1800' },
    ]);
    for (const name of ['streaming-edge', 'license-proxy', 'subtitle-renderer']) {
      assert.ok(
        !deployment(objects, name).spec.template.spec.volumes.some((v: Json) => v.persistentVolumeClaim),
      );
    }
  });

  it('serves the edge, the cache and the license proxy on the agreed named port, probed there', () => {
    const objects = render(siteSpec('smp-half'));
    for (const name of ['streaming-edge', 'cache', 'license-proxy']) {
      const c = container(deployment(objects, name));
      assert.deepEqual(c.ports[0], { name: 'http', containerPort: 8080, protocol: 'TCP' }, name);
      assert.equal(c.readinessProbe.httpGet.port, 'http');
      assert.equal(c.livenessProbe.httpGet.port, 'http');
    }
    // The edge's readings, for the agent, on a port of their own.
    assert.deepEqual(container(deployment(objects, 'streaming-edge')).ports[1], {
      name: 'status',
      containerPort: 9102,
      protocol: 'TCP',
    });
    assert.equal(container(deployment(objects, 'cache')).ports.length, 1);
    const unknown = container(deployment(objects, 'subtitle-renderer'));
    assert.equal(unknown.ports, undefined);
    assert.equal(unknown.readinessProbe, undefined);
  });

  it('runs every service non-root on a read-only root, one copy at a time, selecting its own pods', () => {
    for (const d of render(siteSpec('cluster-full')).filter((o) => o.kind === 'Deployment') as Json[]) {
      const pod = d.spec.template.spec;
      const c = container(d);
      assert.equal(pod.securityContext.runAsNonRoot, true, d.metadata.name);
      assert.equal(pod.automountServiceAccountToken, false);
      assert.deepEqual(c.securityContext, {
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        capabilities: { drop: ['ALL'] },
      });
      assert.ok(
        c.volumeMounts.some((m: Json) => m.mountPath === '/tmp'),
        'a writable /tmp',
      );
      assert.ok(c.resources.requests.cpu && c.resources.limits.cpu && c.resources.limits.memory);
      assert.deepEqual(d.spec.strategy, { type: 'Recreate' });
      assert.deepEqual(d.spec.selector.matchLabels, { 'app.kubernetes.io/name': d.metadata.name });
      assert.deepEqual(d.spec.template.metadata.labels, d.spec.selector.matchLabels);
      assert.match(d.spec.template.metadata.annotations['smartfleet.io/settings-digest'], /^[0-9a-f]{16}$/);
      assert.equal(d.metadata.labels['smartfleet.io/release'], 'r1');
      assert.deepEqual(c.envFrom, [
        { configMapRef: { name: `${d.metadata.name}-settings` } },
        { configMapRef: { name: 'site-endpoints', optional: true } },
      ]);
    }
  });

  it('requests no card on a box without accelerators', () => {
    const spec = siteSpec('entry');
    spec.hardware = { ...spec.hardware, accelerators: 0 };
    const edge = container(deployment(render(spec), 'streaming-edge'));
    assert.deepEqual(Object.keys(edge.resources.requests), ['cpu', 'memory']);
    assert.deepEqual(Object.keys(edge.resources.limits), ['cpu', 'memory']);
  });

  it('gives the edge CPU for the budget the site has, not the whole box', () => {
    const full = container(deployment(render(siteSpec('smp-full')), 'streaming-edge'));
    const half = container(deployment(render(siteSpec('smp-full', 2000)), 'streaming-edge'));
    assert.deepEqual([full.resources.requests.cpu, half.resources.requests.cpu], ['6580m', '3290m']);
  });

  it('has a revision that changes with the content and only with it', () => {
    const spec = siteSpec('entry');
    const a = makeBundle({ site: { name: 's', namespace: 'n', spec } });
    const b = makeBundle({ site: { name: 's', namespace: 'n', spec } });
    const c = makeBundle({ site: { name: 's', namespace: 'n', spec: { ...spec, subscriberCap: 201 } } });
    assert.equal(a.revision, b.revision);
    assert.notEqual(a.revision, c.revision);
  });
});
