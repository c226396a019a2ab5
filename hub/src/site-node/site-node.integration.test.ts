/**
 * A site node for real on this machine: its own API server, scheduler and controller-manager, a
 * kubelet on its own containerd. The Node registers under the Site's name with its labels and the
 * site's reserve kept back; a pod of a locally built image is scheduled, runs and turns Ready
 * through an HTTP readiness probe on its pod IP; its Service and the API server answer at their
 * cluster IPs (the node's service proxy), for a pod and for this machine; stop removes every pod and the bridge, and a new
 * start brings the same node back with the pod recreated by its Deployment.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { AppsV1Api } from '@kubernetes/client-node';
import { connect, type KubeClient, waitFor } from '@smart-fleet/kube';
import { SYSTEM_RESERVED } from '@smart-fleet/model';
import { testHub } from '../../../test/support/test-hub.ts';
import { busyboxImage } from '../../../test/support/test-images.ts';
import { type BuiltImage, importImage } from '../images/image-build.ts';
import { nodePreflight } from './node-preflight.ts';
import {
  HARDWARE_PROFILE_LABEL,
  SITE_LABEL,
  type SiteNodeInfo,
  siteNodeStatus,
  startSiteNode,
  stopSiteNode,
} from './site-node.ts';

const site = `node-test-${process.pid}`;
let dir: string;
let node: SiteNodeInfo;
let site_: KubeClient;
let image: BuiltImage;
const supported = nodePreflight().length === 0;

/** A pod of `app` that turned Ready after `since` (a restarted node's pods first report their old status). */
async function readyPod(client: KubeClient, namespace: string, app: string, since = new Date(0)) {
  return waitFor(
    async () => {
      const pods = await client.core.listNamespacedPod({ namespace, labelSelector: `app=${app}` });
      return pods.items.find((p) =>
        p.status?.conditions?.some(
          (c) =>
            c.type === 'Ready' &&
            c.status === 'True' &&
            new Date(c.lastTransitionTime ?? 0).getTime() >= since.getTime(),
        ),
      );
    },
    { what: `a Ready pod of ${app}`, timeoutMs: 120000 },
  );
}

describe('a site node on this machine', { skip: supported ? false : nodePreflight().join('; ') }, () => {
  before(async () => {
    const hub = await testHub();
    dir = mkdtempSync(join(tmpdir(), 'smart-fleet-node-'));
    node = await startSiteNode({ hubDir: hub.dir, site, hardwareProfile: 'entry', dir, log: () => {} });
    site_ = connect(node.kubeconfig);
    image = await busyboxImage();
    await importImage(node.containerdSocket, image);
  });

  after(async () => {
    if (dir) {
      await stopSiteNode(dir, () => {});
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('registers a Ready Node named after the Site, labelled, with the reserve kept back', async () => {
    const n = await site_.core.readNode({ name: site });
    assert.equal(n.metadata?.labels?.[SITE_LABEL], site);
    assert.equal(n.metadata?.labels?.[HARDWARE_PROFILE_LABEL], 'entry');
    const cpu = (q: string | undefined) => (q?.endsWith('m') ? Number(q.slice(0, -1)) : Number(q) * 1000);
    assert.equal(
      cpu(n.status?.capacity?.cpu) - cpu(n.status?.allocatable?.cpu),
      SYSTEM_RESERVED.cpuMillis,
      'allocatable CPU is capacity less the site reserve',
    );
    const status = await siteNodeStatus(dir);
    assert.equal(status.state, 'running');
    assert.equal(status.state === 'running' && status.ready, true);
  });

  it('schedules and runs a Deployment of a locally built image; it turns Ready on its pod IP', async () => {
    const namespace = 'smoke';
    await site_.core.createNamespace({ body: { metadata: { name: namespace } } });
    await site_.kc.makeApiClient(AppsV1Api).createNamespacedDeployment({
      namespace,
      body: {
        metadata: { name: 'web' },
        spec: {
          replicas: 1,
          selector: { matchLabels: { app: 'web' } },
          template: {
            metadata: { labels: { app: 'web' } },
            spec: {
              containers: [
                {
                  name: 'web',
                  image: image.ref,
                  imagePullPolicy: 'Never',
                  args: ['sh', '-c', 'echo ready > /www/readyz && exec httpd -f -p 8080 -h /www'],
                  ports: [{ containerPort: 8080 }],
                  readinessProbe: { httpGet: { path: '/readyz', port: 8080 }, periodSeconds: 1 },
                  volumeMounts: [{ name: 'www', mountPath: '/www' }],
                },
              ],
              volumes: [{ name: 'www', emptyDir: {} }],
            },
          },
        },
      },
    });
    const pod = await readyPod(site_, namespace, 'web');
    assert.equal(pod.spec?.nodeName, site, 'the scheduler placed it on the site node');
    const ip = pod.status?.podIP as string;
    assert.match(ip, /^10\.88\.\d+\.\d+$/);
    const body = await (await fetch(`http://${ip}:8080/readyz`)).text();
    assert.equal(body.trim(), 'ready');
  });

  it("answers at its Services' cluster IPs, the API server's own among them, for pods and this machine", async () => {
    const namespace = 'smoke';
    const web = await site_.core.createNamespacedService({
      namespace,
      body: {
        metadata: { name: 'web' },
        spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080 }] },
      },
    });
    const ip = web.spec?.clusterIP ?? '';
    assert.ok(
      ip.startsWith(node.network.serviceSubnet.replace(/0\/24$/, '')),
      `${ip} is on the node's own range`,
    );
    const body = await waitFor(
      () =>
        fetch(`http://${ip}/readyz`, { signal: AbortSignal.timeout(2000) }).then(
          async (r) => r.ok && (await r.text()),
          () => undefined,
        ),
      { what: `the web Service at ${ip}`, timeoutMs: 30000 },
    );
    assert.equal(body.trim(), 'ready');
    // The API server at the `kubernetes` Service's IP, with a certificate naming that IP.
    const cluster = site_.kc.getCurrentCluster();
    const user = site_.kc.getCurrentUser();
    const status = await new Promise<number | undefined>((resolve, reject) => {
      https
        .get(
          `https://${node.network.apiServiceIp}/readyz`,
          {
            ca: Buffer.from(cluster?.caData ?? '', 'base64'),
            cert: Buffer.from(user?.certData ?? '', 'base64'),
            key: Buffer.from(user?.keyData ?? '', 'base64'),
          },
          (r) => resolve(r.resume().statusCode),
        )
        .on('error', reject);
    });
    assert.equal(status, 200);
    // And from a pod: the Service by the address the kubelet gives it, the API server likewise.
    await site_.core.createNamespacedPod({
      namespace,
      body: {
        metadata: { name: 'probe' },
        spec: {
          restartPolicy: 'Never',
          containers: [
            {
              name: 'probe',
              image: image.ref,
              imagePullPolicy: 'Never',
              args: [
                'sh',
                '-c',
                [
                  'set -e',
                  'wget -q -O - "http://$WEB_SERVICE_HOST:$WEB_SERVICE_PORT/readyz" | grep -q ready',
                  'token=$(cat /var/run/secrets/kubernetes.io/serviceaccount/token)',
                  'wget -q -O - --header "Authorization: Bearer $token" "https://$KUBERNETES_SERVICE_HOST:$KUBERNETES_SERVICE_PORT/readyz" | grep -q ok',
                ].join('\n'),
              ],
            },
          ],
        },
      },
    });
    const phase = await waitFor(
      async () => {
        const pod = await site_.core.readNamespacedPod({ name: 'probe', namespace });
        return ['Succeeded', 'Failed'].includes(pod.status?.phase ?? '') && pod.status?.phase;
      },
      { what: 'the probe pod to finish', timeoutMs: 60000 },
    );
    const printed = await site_.core.readNamespacedPodLog({ name: 'probe', namespace }).catch(() => '');
    assert.equal(phase, 'Succeeded', `the pod reached both Services: ${printed}`);
  });

  it('stops with no pod or bridge left, and starts the same node again with its pods back', async () => {
    const bridge = node.network.bridge;
    // Condition times have whole seconds: anything from the stop's second on is after it.
    const stoppedAt = new Date(Math.floor(Date.now() / 1000) * 1000);
    await stopSiteNode(dir, () => {});
    assert.equal((await siteNodeStatus(dir)).state, 'stopped');
    assert.equal(existsSync(`/sys/class/net/${bridge}`), false, 'the bridge is gone');
    const hub = await testHub();
    node = await startSiteNode({ hubDir: hub.dir, site, hardwareProfile: 'entry', dir, log: () => {} });
    site_ = connect(node.kubeconfig);
    await importImage(node.containerdSocket, image);
    const pod = await readyPod(site_, 'smoke', 'web', stoppedAt);
    assert.equal(pod.spec?.nodeName, site);
    const body = await (await fetch(`http://${pod.status?.podIP}:8080/readyz`)).text();
    assert.equal(body.trim(), 'ready', 'the pod serves again on its new sandbox');
  });
});
