/**
 * The heartbeat's figures from a release's pods, as a site cluster lists them: Ready edge pods'
 * readings add up (the cache hit ratio weighted by egress, the fill the least-filled replica's),
 * a Ready pod that does not answer is left out (never guessed, nor counted as a subscriber's
 * error), a pod not Ready is not read, and the license proxy pods' denials come from their
 * /metrics. The pods are objects in a real
 * API server whose addresses are loopback servers this test runs.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { type ExtraApiserver, freePort, startExtraApiserver } from '@smart-fleet/hub';
import { connect, type KubeClient, silentLogger } from '@smart-fleet/kube';
import { EDGE_SERVICE, LICENSE_PROXY_SERVICE, SITE_CONTAINER_PORT } from '@smart-fleet/model';
import {
  EDGE_STATUS_PORT,
  EDGE_TELEMETRY_PATH,
  type EdgeReading,
  IDLE_EDGE,
  LICENSE_DENIALS_METRIC,
} from '@smart-fleet/services';
import { type TestHub, testHub, uniqueNamespace } from '../../../test/support/test-hub.ts';
import { ReleasePodReadings } from './release-pod-readings.ts';
import { releaseSelector, SITE_NAMESPACE } from './render.ts';

/** A loopback address of its own per pod (127.a.b.c), so the pods' fixed ports never collide. */
const loopback = (n: number) => `127.${(process.pid >> 8) & 0xff}.${process.pid & 0xff}.${10 + n}`;

function serve(host: string, port: number, answer: (path: string) => string | undefined): Promise<Server> {
  const server = createServer((req, res) => {
    const body = answer(req.url ?? '/');
    res.writeHead(body === undefined ? 404 : 200).end(body);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(server));
  });
}

const reading = (over: Partial<EdgeReading['telemetry']>, fill: EdgeReading['fill']): string =>
  JSON.stringify({
    telemetry: { ...IDLE_EDGE, ...over },
    fill,
  } satisfies EdgeReading);

describe('ReleasePodReadings', () => {
  let hub: TestHub;
  let cluster: ExtraApiserver;
  let client: KubeClient;
  const servers: Server[] = [];

  /** A pod of the service at this address, Ready or not (its status written as a kubelet would). */
  async function pod(service: string, name: string, ip: string, ready: boolean): Promise<void> {
    await client.core.createNamespacedPod({
      namespace: SITE_NAMESPACE,
      body: {
        metadata: { name, labels: releaseSelector(service) },
        spec: {
          nodeName: 'nowhere',
          automountServiceAccountToken: false,
          containers: [{ name: service, image: 'unused' }],
        },
      },
    });
    await client.core.replaceNamespacedPodStatus({
      name,
      namespace: SITE_NAMESPACE,
      body: {
        metadata: { name, namespace: SITE_NAMESPACE, labels: releaseSelector(service) },
        spec: {
          nodeName: 'nowhere',
          automountServiceAccountToken: false,
          containers: [{ name: service, image: 'unused' }],
        },
        status: {
          phase: 'Running',
          podIP: ip,
          conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }],
        },
      },
    });
  }

  before(async () => {
    hub = await testHub();
    cluster = await startExtraApiserver({
      hubDir: hub.dir,
      name: uniqueNamespace('pod-readings'),
      port: await freePort(),
    });
    client = connect(cluster.kubeconfig);
    await client.core.createNamespace({ body: { metadata: { name: SITE_NAMESPACE } } });
    // No controller manager runs here to make the namespace's default service account.
    await client.core.createNamespacedServiceAccount({
      namespace: SITE_NAMESPACE,
      body: { metadata: { name: 'default' } },
    });
  });
  after(async () => {
    await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
    await cluster?.stop();
  });

  it('reads nothing served, as zeros, when no edge pod is Ready', async () => {
    const readings = new ReleasePodReadings({ siteClient: client, log: silentLogger });
    const edge = await readings.edge();
    assert.equal(edge.activeStreams, 0);
    assert.equal(edge.errors, 0);
    assert.equal(readings.fill(), undefined, 'no fill is known before an edge pod answers');
  });

  it('adds up the Ready edge replicas, leaving out one that does not answer and one not Ready', async () => {
    const answers = [
      reading(
        { activeStreams: 3, egressMbps: 30, cacheHitRatio: 1, storageUsedGB: 1.5, errors: 1 },
        { plannedMB: 100, filledMB: 100, titlesComplete: 2, titlesPlaced: 2 },
      ),
      reading(
        { activeStreams: 1, egressMbps: 10, cacheHitRatio: 0.5, storageUsedGB: 0.5, admissionRefusals: 2 },
        { plannedMB: 100, filledMB: 40, titlesComplete: 1, titlesPlaced: 2 },
      ),
    ];
    for (const [i, body] of answers.entries()) {
      servers.push(
        await serve(loopback(i), EDGE_STATUS_PORT.port, (path) =>
          path === EDGE_TELEMETRY_PATH ? body : undefined,
        ),
      );
      await pod(EDGE_SERVICE, `edge-${i}`, loopback(i), true);
    }
    // Ready, but nothing listens at its address.
    await pod(EDGE_SERVICE, 'edge-silent', loopback(2), true);
    // Not Ready: its server would answer, but it is not asked.
    servers.push(await serve(loopback(3), EDGE_STATUS_PORT.port, () => answers[0]));
    await pod(EDGE_SERVICE, 'edge-starting', loopback(3), false);

    const readings = new ReleasePodReadings({ siteClient: client, log: silentLogger });
    assert.deepEqual(await readings.edge(), {
      activeStreams: 4,
      egressMbps: 40,
      cacheHitRatio: 0.875,
      storageUsedGB: 2,
      errors: 1,
      admissionRefusals: 2,
    });
    assert.deepEqual(readings.fill(), { plannedMB: 100, filledMB: 40, titlesComplete: 1, titlesPlaced: 2 });
  });

  it("sums the license proxy pods' denials from their metrics", async () => {
    const metrics = (n: number) => `# HELP x\n${LICENSE_DENIALS_METRIC} ${n}\nother_total 99\n`;
    for (const [i, n] of [4, 3].entries()) {
      servers.push(
        await serve(loopback(10 + i), SITE_CONTAINER_PORT, (path) =>
          path === '/metrics' ? metrics(n) : undefined,
        ),
      );
      await pod(LICENSE_PROXY_SERVICE, `proxy-${i}`, loopback(10 + i), true);
    }
    const readings = new ReleasePodReadings({ siteClient: client, log: silentLogger });
    assert.equal(await readings.licenseDenied(), 7);
  });
});
