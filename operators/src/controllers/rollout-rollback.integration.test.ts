import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { applyInventory } from '@smart-fleet/hub';
import { listAll, silentLogger, waitFor } from '@smart-fleet/kube';
import { API_GROUP, API_VERSION, parseInventory } from '@smart-fleet/model';
import { smallFleet, toYaml } from '../../../test/support/fleet-fixtures.ts';
import { LIVE_SITES_HUB_KEYS, type LiveSites, startLiveSites } from '../../../test/support/live-sites.ts';
import { rolloutFixtures, statusOf } from '../../../test/support/rollout-fixtures.ts';
import { calmTelemetry } from '../../../test/support/telemetry.ts';
import { type TestHub, testHub, uniqueNamespace } from '../../../test/support/test-hub.ts';
import { type Manager, startManager } from '../manager.ts';

const GRACE_MS = 3000;

describe('roll-backs that really move sites back, deadlines, and status that can be lost', () => {
  let hub: TestHub;
  let manager: Manager;
  let live: LiveSites;
  let fx: ReturnType<typeof rolloutFixtures>;
  const namespace = uniqueNamespace('rollback');
  let siteNames: string[] = [];
  let r4Degrades = false;

  const startOperators = () =>
    startManager({
      client: hub.client,
      namespace,
      log: silentLogger,
      health: { graceMs: GRACE_MS },
      entitlementKeys: LIVE_SITES_HUB_KEYS,
    });
  const everySiteRuns = (release: string) =>
    waitFor(async () => [...(await fx.deployed()).values()].every((r) => r === release), {
      what: `every site reporting ${release}`,
      timeoutMs: 30000,
    });

  before(async () => {
    hub = await testHub();
    fx = rolloutFixtures(hub.client, namespace);
    const parsed = parseInventory([{ file: 'fleet.yaml', text: toYaml(smallFleet(namespace, 3)) }]);
    assert.ok(parsed.inventory);
    await applyInventory(hub.client, parsed.inventory);
    siteNames = parsed.inventory.objects.filter((o) => o.kind === 'Site').map((o) => o.metadata.name);
    await Promise.all([fx.release('r1', '1.0.0'), fx.release('r4', '1.4.0'), fx.release('r5', '1.5.0')]);
    manager = await startOperators();
    live = await startLiveSites({
      hub,
      namespace,
      ingestUrl: manager.ingestUrl,
      sites: siteNames,
      // r4 runs fine until the test says its edges start failing.
      telemetry: (_site, running) => ({ ...calmTelemetry, errors: running === 'r4' && r4Degrades ? 40 : 0 }),
    });
    await fx.rollout('base', { release: 'r1' });
    await fx.untilPhase('base', 'Succeeded');
    await everySiteRuns('r1');
  });

  after(async () => {
    await live?.stop();
    await manager?.stop();
  });

  it('sites that really run the new release go back to the previous one when the gate fails', async () => {
    await fx.rollout('to-r4', { release: 'r4', healthGate: { bakeSeconds: 15 } });
    const moved = await waitFor(
      async () => {
        const running = [...(await fx.deployed())].filter(([, r]) => r === 'r4').map(([s]) => s);
        return running.length >= 2 && running;
      },
      { what: 'two sites running r4', timeoutMs: 60000, intervalMs: 200 },
    );
    for (const site of moved) {
      assert.equal(
        (await live.images(site))['streaming-edge'],
        'smart/edge:1.4.0',
        `${site} did not really change`,
      );
    }
    r4Degrades = true;
    const rolled = await fx.untilPhase('to-r4', 'RolledBack');
    assert.equal(
      statusOf(rolled).conditions?.find((c) => c.type === 'Progressing')?.reason,
      'HealthGateFailed',
    );
    await everySiteRuns('r1');
    for (const site of moved) {
      assert.equal((await live.images(site))['streaming-edge'], 'smart/edge:1.0.0', `${site} still runs r4`);
      assert.equal((await fx.assignments()).get(site)?.rolledBackFrom, 'r4');
    }
  });

  it('a site moved to a release that goes silent fails the wave at the progress deadline and returns', async () => {
    // The canary bakes longer than the grace, so going silent is seen while the wave is judged.
    await fx.rollout('to-r5', { release: 'r5', progressDeadlineSeconds: 5, healthGate: { bakeSeconds: 10 } });
    const silenced = await waitFor(
      () => Promise.resolve(siteNames.find((s) => live.agent(s).runningRelease === 'r5')),
      {
        what: 'the canary applying r5',
        timeoutMs: 30000,
        intervalMs: 50,
      },
    );
    live.silence(silenced);
    const startedAt = Date.now();
    const rolled = await fx.untilPhase('to-r5', 'RolledBack', 40000);
    const seconds = (Date.now() - startedAt) / 1000;
    const progressing = statusOf(rolled).conditions?.find((c) => c.type === 'Progressing');
    assert.equal(progressing?.reason, 'ProgressDeadlineExceeded');
    assert.match(
      progressing?.message ?? '',
      new RegExp(`site ${silenced} .*5 s progress deadline for release r5`),
    );
    assert.ok(seconds < GRACE_MS / 1000 + 5 + 5, `rolled back only after ${seconds} s`);
    assert.equal((await fx.assignments()).get(silenced)?.release, 'r1');
    await live.revive(silenced);
    await everySiteRuns('r1');
    assert.equal((await live.images(silenced))['streaming-edge'], 'smart/edge:1.0.0');
  });

  it('losing every status and restarting the operators changes nothing any site runs', async () => {
    const before = { assignments: await fx.assignments(), deployed: await fx.deployed() };
    const images = Object.fromEntries(
      await Promise.all(siteNames.map(async (s) => [s, await live.images(s)])),
    );
    await manager.stop();
    for (const kind of ['Site', 'Rollout']) {
      for (const o of await listAll(hub.client, kind, namespace)) {
        await hub.client.custom.replaceNamespacedCustomObjectStatus({
          group: API_GROUP,
          version: API_VERSION,
          namespace,
          plural: kind === 'Site' ? 'sites' : 'rollouts',
          name: o.metadata?.name ?? '',
          body: { ...o, status: {} },
        });
      }
    }
    assert.ok(
      (await listAll(hub.client, 'Site', namespace)).every((s) => !statusOf<{ phase?: string }>(s).phase),
    );
    manager = await startOperators();
    await live.moveTo(manager.ingestUrl); // the agents call the new operators
    // The new operators have judged everything again: every rollout has a phase, every site is up.
    await waitFor(
      async () =>
        (await listAll(hub.client, 'Rollout', namespace)).every((r) =>
          ['Succeeded', 'RolledBack'].includes(statusOf(r).phase ?? ''),
        ) &&
        (await listAll(hub.client, 'Site', namespace)).every(
          (s) => statusOf<{ phase?: string }>(s).phase === 'Ready',
        ),
      { what: 'rollouts and sites judged again', timeoutMs: 60000, intervalMs: 250 },
    );
    assert.deepEqual(await fx.assignments(), before.assignments, 'an assignment changed');
    assert.deepEqual(await fx.deployed(), before.deployed);
    for (const site of siteNames) {
      assert.deepEqual(await live.images(site), images[site], `${site} runs something else`);
    }
    assert.equal(
      statusOf(await fx.get('Rollout', 'to-r4')).phase,
      'RolledBack',
      'found rolled back from its sites',
    );
  });
});
