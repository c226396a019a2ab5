/**
 * The sample fleet exactly as `npm start` brings it up (scripts/sample-fleet.ts), on the test
 * hub: every object settles with no reconcile error anywhere, `kubectl get smart` shows no
 * column that is always empty, and a live site's edge plays the sample title, encrypted, to a
 * subscriber holding an entitlement, after pre-positioning it from the origin. Where this machine
 * runs site nodes, the live sites are real nodes: their edges and license proxies are Ready pods
 * there, and the hub hears of each node's accelerators from its device plugin.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { setHeaderOptions } from '@kubernetes/client-node';
import { nodePreflight } from '@smart-fleet/hub';
import { connect, jsonLogger, listAll, waitFor } from '@smart-fleet/kube';
import {
  ALL_KINDS,
  API_GROUP,
  API_VERSION,
  HARDWARE_PROFILES,
  type PrinterColumn,
  TELEMETRY_METRICS,
} from '@smart-fleet/model';
import { localKek, SITE_NAMESPACE } from '@smart-fleet/operators';
import { issueEntitlement, mediaTools } from '@smart-fleet/services';
import { SAMPLE_CLIP } from '../scripts/sample-data-plane.ts';
import { type SampleFleet, startSampleFleet } from '../scripts/sample-fleet.ts';
import { isReady } from './support/node-pods.ts';
import { type TestHub, testHub, uniqueNamespace } from './support/test-hub.ts';

const run = promisify(execFile);

type Status = {
  state?: string;
  packaging?: { keyIds: string[]; durationSeconds: number; renditions: { name: string; height: number }[] };
  phase?: string;
  sitesRunning?: number;
  sites?: number;
  conditions?: { type: string; status: string }[];
};
const statusOf = (o: unknown) => ((o as { status?: Status }).status ?? {}) as Status;

interface Table {
  columnDefinitions: { name: string }[];
  rows: { cells: unknown[] }[];
}

describe('the sample fleet npm start runs', () => {
  let hub: TestHub;
  let fleet: SampleFleet;
  const namespace = uniqueNamespace('sample');
  const logs: string[] = [];

  before(async () => {
    hub = await testHub();
    fleet = await startSampleFleet({
      client: hub.client,
      hubDir: hub.dir,
      namespace,
      agentStateRoot: mkdtempSync(join(tmpdir(), 'sample-agents-')),
      dataPlaneDir: mkdtempSync(join(tmpdir(), 'sample-data-plane-')),
      log: jsonLogger({}, (line) => logs.push(line)),
      operators: { namespace, drm: localKek(join(mkdtempSync(join(tmpdir(), 'kek-')), 'drm-kek')) },
    });
  });

  after(async () => {
    await fleet?.stop();
  });

  it('settles: live sites Ready on the sample release, the rest Provisioning with a credential, roll-ups written', async () => {
    await waitFor(
      async () => {
        const sites = await listAll(hub.client, 'Site', namespace);
        const phases = sites.map((s) => statusOf(s).phase);
        const rollout = (await listAll(hub.client, 'Rollout', namespace))[0];
        const release = (await listAll(hub.client, 'SiteRelease', namespace))[0];
        return (
          sites.length === 150 &&
          phases.filter((p) => p === 'Ready').length === 2 &&
          phases.filter((p) => p === 'Provisioning').length === 148 &&
          statusOf(rollout).phase === 'Succeeded' &&
          statusOf(release).sitesRunning === 2
        );
      },
      { what: 'the sample fleet settled', timeoutMs: 120000, intervalMs: 500 },
    );
    const tenants = await listAll(hub.client, 'Tenant', namespace);
    assert.equal(
      tenants.reduce((sum, t) => sum + (statusOf(t).sites ?? 0), 0),
      150,
    );
    const clusters = await listAll(hub.client, 'WideAreaCluster', namespace);
    assert.ok(clusters.every((c) => statusOf(c).phase && statusOf(c).sites !== undefined));
  });

  it('counts no reconcile error in any controller, and logs none', async () => {
    const metrics = await (await fetch(`${fleet.operators.metricsUrl}/metrics`)).text();
    const errors = [...metrics.matchAll(/^smartfleet_reconcile_total\{([^}]*)\} (\d+)$/gm)].filter(
      ([, labels]) => labels?.includes('result="error"'),
    );
    const successes = [
      ...metrics.matchAll(/^smartfleet_reconcile_total\{[^}]*result="success"[^}]*\} (\d+)$/gm),
    ];
    assert.ok(successes.length >= 5, `too few controllers reconciled:\n${metrics}`);
    assert.deepEqual(
      errors.filter(([, , n]) => Number(n) > 0).map(([line]) => line),
      [],
      'reconcile errors',
    );
    assert.deepEqual(
      logs.filter((l) => JSON.parse(l).level === 'error'),
      [],
    );
  });

  it('shows no always-empty column in kubectl get smart', async () => {
    const asTable = setHeaderOptions('Accept', 'application/json;as=Table;v=v1;g=meta.k8s.io');
    for (const kind of ALL_KINDS) {
      const table = (await hub.client.custom.listNamespacedCustomObject(
        { group: API_GROUP, version: API_VERSION, namespace, plural: kind.plural },
        asTable,
      )) as unknown as Table;
      if (table.rows.length === 0) {
        continue; // kubectl shows a kind only where it has objects
      }
      const columns: readonly PrinterColumn[] = kind.printerColumns;
      const priority = new Map(columns.map((c) => [c.name, c.priority ?? 0]));
      table.columnDefinitions.forEach((column, i) => {
        if ((priority.get(column.name) ?? 0) > 0) {
          return; // shown with -o wide only
        }
        const filled = table.rows.some(
          (r) => r.cells[i] !== null && r.cells[i] !== undefined && r.cells[i] !== '',
        );
        assert.ok(filled, `${kind.kind}: column ${column.name} is empty in every row`);
      });
    }
  });

  it('runs the live sites as real nodes, their release as Ready pods there, where this machine can', {
    skip: nodePreflight().join('; ') || false,
  }, async () => {
    assert.equal(fleet.liveSites.length, 2);
    const metrics = await (await fetch(`${fleet.operators.metricsUrl}/metrics`)).text();
    for (const live of fleet.liveSites) {
      assert.ok(live.kubeconfig, `${live.site} is a node`);
      const pods = await connect(live.kubeconfig).core.listNamespacedPod({ namespace: SITE_NAMESPACE });
      const running = pods.items
        .filter(isReady)
        .map((p) => `${p.metadata?.labels?.['app.kubernetes.io/name']}@${p.spec?.nodeName}`)
        .sort();
      assert.deepEqual(running, [`license-proxy@${live.site}`, `streaming-edge@${live.site}`]);
      // The node's cards, as its device plugin reports them, in the hub's telemetry.
      const healthy = metrics
        .split('\n')
        .find(
          (l) =>
            l.startsWith(`${TELEMETRY_METRICS.acceleratorsHealthy}{`) && l.includes(`site="${live.site}"`),
        );
      assert.equal(Number(healthy?.split(' ').at(-1)), HARDWARE_PROFILES.entry.accelerators, healthy);
    }
  });

  it('pre-positions the sample title on a live site and plays it there, encrypted, with an entitlement', async () => {
    const [live] = fleet.liveSites;
    const dataPlane = fleet.dataPlane;
    assert.ok(live && dataPlane, 'a live site and the data plane');
    const placement = await waitFor(
      async () => {
        const all = await listAll(hub.client, 'ContentPlacement', namespace);
        const mine = all.find((p) => (p as { spec: { site: string } }).spec.site === live.site);
        return statusOf(mine).state === 'Filled' && mine;
      },
      { what: `${live.site} filled with its placement`, timeoutMs: 120000, intervalMs: 500 },
    );
    assert.ok(placement);
    const title = (await listAll(hub.client, 'ContentTitle', namespace)).find(
      (t) => t.metadata?.name === dataPlane.title,
    );
    const packaging = statusOf(title).packaging;
    assert.ok(packaging && packaging.keyIds.length > 0, 'the packager recorded the package');

    const token = await issueEntitlement(dataPlane.signer, {
      subscriber: 'sample-viewer',
      tenant: (title as { spec: { owner: string } }).spec.owner,
      title: dataPlane.title,
      site: live.site,
      kids: packaging.keyIds,
      ttlSeconds: 120,
    });
    const opened = await fetch(`${live.edgeUrl}/sessions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ title: dataPlane.title }),
    });
    const session = (await opened.json()) as { prefix?: string };
    assert.equal(opened.status, 201, JSON.stringify(session));
    const top = packaging.renditions.at(-1);
    const url = `${live.edgeUrl}${session.prefix}/${dataPlane.title}/hls/${top?.name}/index.m3u8`;
    const probe = await run(mediaTools().ffprobe, [
      ...['-v', 'error', '-count_frames', '-select_streams', 'v:0'],
      ...['-show_entries', 'stream=height,nb_read_frames', '-of', 'json', url],
    ]);
    const [stream] = (JSON.parse(probe.stdout) as { streams: { height: number; nb_read_frames: string }[] })
      .streams;
    assert.equal(stream?.height, top?.height);
    assert.equal(Number(stream?.nb_read_frames), SAMPLE_CLIP.seconds * SAMPLE_CLIP.fps, probe.stderr);
    // Without an entitlement the edge opens no session at all.
    const refused = await fetch(`${live.edgeUrl}/sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ title: dataPlane.title }),
    });
    assert.equal(refused.status, 401);
  });
});
