/**
 * The stream-accelerator device plugin against a real kubelet on a real site node: device nodes
 * made with mknod are advertised as `smartfleet.io/stream-accelerator`, a pod asking for one is
 * given exactly one (its device node inside, its id in the environment), a device that goes away
 * leaves allocatable and raises the site's accelerator finding through the agent's reading of
 * the node, and a kubelet restart (which deletes every plugin socket) is survived.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  type BuiltImage,
  importImage,
  nodePreflight,
  restartSiteKubelet,
  type SiteNodeInfo,
  startSiteNode,
  stopSiteNode,
  waitForNode,
} from '@smart-fleet/hub';
import { connect, type KubeClient, silentLogger, waitFor } from '@smart-fleet/kube';
import { ACCELERATOR_RESOURCE, hardwareProfile, type Site } from '@smart-fleet/model';
import { diagnose, NodeAccelerators } from '@smart-fleet/operators';
import { AcceleratorPlugin, deviceIdsEnv } from '@smart-fleet/services';
import { testHub } from './support/test-hub.ts';
import { busyboxImage } from './support/test-images.ts';

const site = `accel-test-${process.pid}`;
const CARDS = 3;
const skip = nodePreflight().join('; ') || false;
let dir: string;
let devices: string;
let node: SiteNodeInfo;
let client: KubeClient;
let plugin: AcceleratorPlugin;
let image: BuiltImage;

const accelerators = (n: {
  status?: { capacity?: Record<string, string>; allocatable?: Record<string, string> };
}) => ({
  capacity: n.status?.capacity?.[ACCELERATOR_RESOURCE],
  allocatable: n.status?.allocatable?.[ACCELERATOR_RESOURCE],
});

describe('stream accelerators on a real site node', { skip }, () => {
  before(async () => {
    const hub = await testHub();
    dir = mkdtempSync(join(tmpdir(), 'smart-fleet-accel-node-'));
    devices = mkdtempSync(join(tmpdir(), 'smart-fleet-accel-devices-'));
    for (let i = 0; i < CARDS; i++) {
      // Character devices like the cards' (1:3 is /dev/null's numbers: harmless to hand out).
      const made = spawnSync('mknod', [join(devices, `smart-accel${i}`), 'c', '1', '3']);
      assert.equal(made.status, 0, `mknod: ${made.stderr}`);
    }
    node = await startSiteNode({ hubDir: hub.dir, site, hardwareProfile: 'smp-full', dir, log: () => {} });
    client = connect(node.kubeconfig);
    image = await busyboxImage();
    await importImage(node.containerdSocket, image);
    plugin = await AcceleratorPlugin.start({
      devicePluginsDir: node.devicePluginsDir,
      patterns: [join(devices, 'smart-accel[0-9]*')],
      rescanSeconds: 1,
      log: silentLogger,
    });
  });

  after(async () => {
    await plugin?.stop();
    if (dir) {
      await stopSiteNode(dir, () => {});
      rmSync(dir, { recursive: true, force: true });
    }
    rmSync(devices, { recursive: true, force: true });
  });

  it('advertises one accelerator per device node', async () => {
    const seen = await waitForNode(node, `${CARDS} accelerators allocatable`, (n) =>
      accelerators(n).allocatable === String(CARDS) ? accelerators(n) : undefined,
    );
    assert.deepEqual(seen, { capacity: String(CARDS), allocatable: String(CARDS) });
  });

  it('gives a pod that asks for one exactly one device node, named in its environment', async () => {
    const env = deviceIdsEnv(ACCELERATOR_RESOURCE);
    await client.core.createNamespacedPod({
      namespace: 'default',
      body: {
        metadata: { name: 'edge' },
        spec: {
          restartPolicy: 'Never',
          containers: [
            {
              name: 'edge',
              image: image.ref,
              imagePullPolicy: 'Never',
              args: [
                'sh',
                '-c',
                `for f in ${devices}/*; do [ -c "$f" ] && echo "device=$f"; done; echo "ids=$${env}"; exec sleep 3600`,
              ],
              resources: { limits: { [ACCELERATOR_RESOURCE]: '1' } },
            },
          ],
        },
      },
    });
    const log = await waitFor(
      async () => {
        const text = await client.core
          .readNamespacedPodLog({ name: 'edge', namespace: 'default' })
          .catch(() => '');
        return text.includes('ids=') ? text : undefined;
      },
      { what: 'the pod to print its devices', timeoutMs: 90000 },
    );
    const seen = [...log.matchAll(/^device=(.*)$/gm)].map((m) => m[1]);
    const ids = /^ids=(.*)$/m.exec(log)?.[1] ?? '';
    assert.equal(seen.length, 1, `one device inside, saw ${JSON.stringify(seen)}`);
    assert.equal(seen[0], join(devices, ids), 'the device inside is the one its environment names');
  });

  it('drops a device that goes away from allocatable, and the agent reports the failing card', async () => {
    const status = plugin.status();
    // The pod holds one card; take away one it does not hold, as a module failing would.
    const held = (await client.core.readNamespacedPodLog({ name: 'edge', namespace: 'default' })).match(
      /^ids=(.*)$/m,
    )?.[1];
    const gone = status.devices.map((d) => d.id).find((id) => id !== held) as string;
    rmSync(join(devices, gone));
    await waitForNode(node, 'one accelerator fewer allocatable', (n) =>
      accelerators(n).allocatable === String(CARDS - 1) ? true : undefined,
    );
    const reading = new NodeAccelerators({ siteClient: client, node: site, log: silentLogger });
    await reading.refresh();
    assert.equal(reading.healthy(), CARDS - 1);
    const profile = hardwareProfile('smp-full');
    assert.ok(profile);
    const findings = diagnose(
      {
        spec: { hardware: { ...profile, accelerators: CARDS }, streaming: { egressBudgetMbps: 4000 } },
      } as Site,
      {
        activeStreams: 0,
        egressMbps: 0,
        cacheHitRatio: 1,
        storageUsedGB: 0,
        drmDenials: 0,
        errors: 0,
        acceleratorsHealthy: reading.healthy(),
      },
    );
    assert.deepEqual(
      findings.map((f) => f.reason),
      ['AcceleratorFailed'],
    );
    assert.match(findings[0]?.message ?? '', /^1 of 3 stream accelerators failing/);
  });

  it('registers again after a kubelet restart deletes its socket, and the pod keeps running', async () => {
    // What the kubelet itself logs on each plugin registration.
    const registrations = () =>
      readFileSync(node.kubelet.log, 'utf8').split('Got registration request from device plugin').length - 1;
    const before = registrations();
    assert.ok(before >= 1);
    node = await restartSiteKubelet(dir);
    await waitFor(async () => (registrations() > before ? true : undefined), {
      what: 'the plugin to register with the restarted kubelet',
      timeoutMs: 60000,
    });
    await waitForNode(node, 'the remaining accelerators allocatable again', (n) =>
      accelerators(n).allocatable === String(CARDS - 1) ? true : undefined,
    );
    assert.equal(plugin.status().registered, true);
    const pod = await client.core.readNamespacedPod({ name: 'edge', namespace: 'default' });
    assert.equal(pod.status?.phase, 'Running');
  });
});
