import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { applyInventory } from '@smart-fleet/hub';
import { silentLogger, waitFor } from '@smart-fleet/kube';
import { parseInventory } from '@smart-fleet/model';
import { smallFleet, toYaml } from '../../../test/support/fleet-fixtures.ts';
import { LIVE_SITES_HUB_KEYS, type LiveSites, startLiveSites } from '../../../test/support/live-sites.ts';
import { rolloutFixtures, statusOf } from '../../../test/support/rollout-fixtures.ts';
import { calmTelemetry } from '../../../test/support/telemetry.ts';
import { type TestHub, testHub, uniqueNamespace } from '../../../test/support/test-hub.ts';
import { type Manager, startManager } from '../manager.ts';

describe('rollouts in waves, each site with its own cluster and a real agent', () => {
  let hub: TestHub;
  let manager: Manager;
  let live: LiveSites;
  let fx: ReturnType<typeof rolloutFixtures>;
  const namespace = uniqueNamespace('rollout');
  let siteNames: string[] = [];

  before(async () => {
    hub = await testHub();
    fx = rolloutFixtures(hub.client, namespace);
    const parsed = parseInventory([{ file: 'fleet.yaml', text: toYaml(smallFleet(namespace, 3)) }]);
    assert.ok(parsed.inventory);
    await applyInventory(hub.client, parsed.inventory);
    siteNames = parsed.inventory.objects.filter((o) => o.kind === 'Site').map((o) => o.metadata.name);
    await Promise.all([
      fx.release('r-noisy', '1.0.0'),
      fx.release('r2', '1.1.0'),
      fx.release('r-bad', '1.2.0', { applyFails: true }),
    ]);
    manager = await startManager({
      client: hub.client,
      namespace,
      log: silentLogger,
      entitlementKeys: LIVE_SITES_HUB_KEYS,
    });
    live = await startLiveSites({
      hub,
      namespace,
      ingestUrl: manager.ingestUrl,
      sites: siteNames,
      // r-noisy applies, then its edge answers errors: the gate must catch it.
      telemetry: (_site, running) => ({ ...calmTelemetry, errors: running === 'r-noisy' ? 40 : 0 }),
    });
  });

  after(async () => {
    await live?.stop();
    await manager?.stop();
  });

  it('a Rollout naming an unknown release gets a condition saying why and moves no site', async () => {
    await fx.rollout('ghost', { release: 'r-missing' });
    const bad = await waitFor(
      async () => {
        const r = await fx.get('Rollout', 'ghost');
        return statusOf(r).conditions?.some((c) => c.type === 'Valid' && c.status === 'False') && r;
      },
      { what: 'Valid=False', timeoutMs: 20000 },
    );
    assert.match(
      statusOf(bad).conditions?.find((c) => c.type === 'Valid')?.message ?? '',
      /spec\.release: site release r-missing does not exist/,
    );
    assert.equal((await fx.assignments()).size, 0, 'a site was moved by an invalid rollout');
  });

  it('a site that ran no release before is held on a failing one, never stripped of its services, and reported', async () => {
    await fx.rollout('first', { release: 'r-noisy' });
    const failed = await fx.untilPhase('first', 'Failed');
    const held = statusOf(failed).sitesHeld ?? [];
    assert.equal(held.length, 1, 'only the canary moved');
    const canary = held[0] as string;
    const progressing = statusOf(failed).conditions?.find((c) => c.type === 'Progressing');
    assert.equal(progressing?.reason, 'HealthGateFailed');
    assert.match(
      progressing?.message ?? '',
      /error rate .* over 5\/min; rolled back; 1 site\(s\) had no earlier release/,
    );
    const assignment = (await fx.assignments()).get(canary);
    assert.deepEqual([assignment?.release, assignment?.rolledBackFrom], ['r-noisy', 'r-noisy']);
    assert.equal(
      (await live.images(canary))['streaming-edge'],
      'smart/edge:1.0.0',
      'the held site lost its edge',
    );
  });

  it('rolls a good release out in waves until every site runs it (the held site too)', async () => {
    await fx.rollout('to-r2', { release: 'r2' });
    const done = await fx.untilPhase('to-r2', 'Succeeded');
    assert.deepEqual(
      statusOf(done).waves?.map((w) => [w.name, w.state]),
      [
        ['canary', 'Passed'],
        ['half', 'Passed'],
        ['all', 'Passed'],
      ],
    );
    await waitFor(async () => [...(await fx.deployed()).values()].every((r) => r === 'r2'), {
      what: 'every site reporting r2',
      timeoutMs: 20000,
    });
    for (const site of siteNames) {
      assert.equal((await live.images(site))['streaming-edge'], 'smart/edge:1.1.0');
    }
  });

  it('stops a release that fails to apply inside the canary wave and rolls it back', async () => {
    await fx.rollout('to-bad', { release: 'r-bad' });
    const rolled = await fx.untilPhase('to-bad', 'RolledBack');
    const assigned = [...(await fx.assignments()).values()].map((a) => a.release);
    assert.ok(!assigned.includes('r-bad'), `a site is still assigned r-bad: ${assigned}`);
    assert.equal(statusOf(rolled).conditions?.find((c) => c.type === 'Progressing')?.reason, 'ReleaseFailed');
    const events = await hub.client.core.listNamespacedEvent({
      namespace,
      fieldSelector: 'involvedObject.name=to-bad',
    });
    assert.ok(
      events.items.some(
        (e) => e.reason === 'ReleaseFailed' && /failed: the site.s cluster refused it/.test(e.message ?? ''),
      ),
    );
    assert.equal(
      statusOf(rolled).waves?.find((w) => w.name === 'half')?.state ?? 'Pending',
      'Pending',
      'the rollout went past the canary',
    );
  });

  it('pause holds a rollout and resume lets it finish', async () => {
    await fx.release('r3', '1.3.0');
    await fx.rollout('to-r3', { release: 'r3', paused: true });
    await fx.untilPhase('to-r3', 'Paused');
    assert.ok(
      ![...(await fx.assignments()).values()].some((a) => a.release === 'r3'),
      'a paused rollout moved a site',
    );
    await fx.rollout('to-r3', { release: 'r3', paused: false });
    await fx.untilPhase('to-r3', 'Succeeded');
  });
});
