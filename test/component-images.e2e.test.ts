/**
 * The component images we build (hub/src/images/), run on a real site node under the names the
 * stacks and releases give them: the license proxy's image serves its own routes as a pod, the
 * streaming edge's carries Node 24 and nginx runnable by its non-root user, and the console's
 * serves the Vite build and the config it writes at start. Every pod runs with the restricted
 * security settings the stacks and the site agent give workloads (non-root, read-only root).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { V1Container, V1Pod } from '@kubernetes/client-node';
import {
  type BuiltImage,
  buildComponentImages,
  importImage,
  nodePreflight,
  type SiteNodeInfo,
  startSiteNode,
  stopSiteNode,
} from '@smart-fleet/hub';
import { connect, type KubeClient, waitFor } from '@smart-fleet/kube';
import {
  type ComponentImage,
  imageFor,
  NON_ROOT_USER,
  RESTRICTED_CONTAINER,
  RESTRICTED_POD,
  TMP_MOUNT,
  TMP_VOLUME,
} from '@smart-fleet/model';
import { isReady } from './support/node-pods.ts';
import { testHub } from './support/test-hub.ts';

const site = `images-test-${process.pid}`;
const COMPONENTS: ComponentImage[] = ['licenseProxy', 'streamingEdge', 'console'];
const skip = nodePreflight().join('; ') || false;
let dir: string;
let node: SiteNodeInfo;
let client: KubeClient;
let built: Record<ComponentImage, BuiltImage>;

/** Runs `container` (its image as a release names it) as a pod and waits for it to be Ready. */
async function readyPod(name: string, container: Omit<V1Container, 'name'>): Promise<V1Pod> {
  await client.core.createNamespacedPod({
    namespace: 'default',
    body: {
      metadata: { name },
      spec: {
        securityContext: RESTRICTED_POD,
        containers: [
          {
            name,
            imagePullPolicy: 'Never',
            securityContext: RESTRICTED_CONTAINER,
            volumeMounts: [TMP_MOUNT],
            ...container,
          },
        ],
        volumes: [TMP_VOLUME],
      },
    },
  });
  // A container that cannot start ends the wait at once, with what it printed.
  let stuck: string | undefined;
  return waitFor(
    async () => {
      const pod = await client.core.readNamespacedPod({ name, namespace: 'default' });
      const waiting = pod.status?.containerStatuses?.[0]?.state?.waiting;
      if (waiting?.reason && /Err|BackOff|Invalid/.test(waiting.reason)) {
        const printed = await client.core
          .readNamespacedPodLog({ name, namespace: 'default', previous: true })
          .catch(() => '');
        stuck = `${waiting.reason}: ${waiting.message ?? ''}\n${printed.slice(-2000)}`;
        return undefined;
      }
      return isReady(pod) ? pod : undefined;
    },
    { what: `the ${name} pod to be Ready`, timeoutMs: 120000, abortReason: () => stuck },
  );
}

describe('the component images on a real site node', { skip }, () => {
  before(async () => {
    const hub = await testHub();
    dir = mkdtempSync(join(tmpdir(), 'smart-fleet-images-node-'));
    node = await startSiteNode({ hubDir: hub.dir, site, hardwareProfile: 'entry', dir, log: () => {} });
    client = connect(node.kubeconfig);
    built = await buildComponentImages(COMPONENTS, { log: (line) => console.error(line) });
    for (const c of COMPONENTS) {
      await importImage(node.containerdSocket, built[c], [imageFor(c)]);
    }
  });

  after(async () => {
    if (dir) {
      await stopSiteNode(dir, () => {});
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('names each build by its content and tags it with the project version', () => {
    const refs = COMPONENTS.map((c) => built[c].ref);
    assert.equal(new Set(refs).size, refs.length);
    for (const ref of refs) {
      assert.match(ref, /^localhost\/smart-fleet-[a-z-]+:0\.1\.0-[0-9a-f]{12}$/);
    }
  });

  it('runs the license proxy image, which serves its routes on the pod IP', async () => {
    const pod = await readyPod('license-proxy', {
      image: imageFor('licenseProxy'),
      env: [
        { name: 'SITE_NAME', value: site },
        { name: 'LICENSE_UPSTREAM_URL', value: 'http://127.0.0.1:9' },
      ],
      readinessProbe: { httpGet: { path: '/readyz', port: 8080 }, periodSeconds: 1 },
    });
    const base = `http://${pod.status?.podIP}:8080`;
    assert.equal((await (await fetch(`${base}/readyz`)).text()).trim(), 'ok');
    const refused = await fetch(`${base}/license/clearkey`, { method: 'POST', body: '{}' });
    assert.equal(refused.status, 401, 'a license request without an entitlement is refused by our code');
    assert.match(await (await fetch(`${base}/metrics`)).text(), /^# HELP /m);
  });

  it('gives the streaming edge Node 24 and nginx, runnable as its non-root user', async () => {
    await readyPod('edge-runtime', {
      image: imageFor('streamingEdge'),
      command: ['sleep', '3600'],
      readinessProbe: {
        exec: {
          command: ['sh', '-c', 'node --version | grep -q "^v24\\." && nginx -v && [ "$(id -u)" = 65532 ]'],
        },
        periodSeconds: 1,
      },
    });
    const entrypoint = await client.core.readNamespacedPod({ name: 'edge-runtime', namespace: 'default' });
    assert.equal(entrypoint.spec?.securityContext?.runAsUser, NON_ROOT_USER);
  });

  it('serves the console build and the config written from its environment', async () => {
    const pod = await readyPod('console', {
      image: imageFor('console'),
      env: [
        { name: 'SMART_FLEET_API_URL', value: '/graphql' },
        { name: 'SMART_FLEET_OIDC_ISSUER', value: 'https://issuer.test' },
        { name: 'SMART_FLEET_OIDC_CLIENT_ID', value: 'console' },
      ],
      readinessProbe: { httpGet: { path: '/config.json', port: 8080 }, periodSeconds: 1 },
    });
    const base = `http://${pod.status?.podIP}:8080`;
    const config = await (await fetch(`${base}/config.json`)).json();
    assert.deepEqual(config, {
      apiUrl: '/graphql',
      oidcIssuer: 'https://issuer.test',
      oidcClientId: 'console',
    });
    const index = await fetch(`${base}/sites`);
    assert.equal(index.status, 200, 'a client route is answered with index.html');
    assert.match(await index.text(), /<div id="root">/);
    assert.match(index.headers.get('content-security-policy') ?? '', /issuer\.test/);
    assert.equal((await fetch(`${base}/`, { method: 'POST' })).status, 405, 'static files only');
  });
});
