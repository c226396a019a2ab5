/**
 * Leader election under faults, against a real kube-apiserver: replicas in one process, each
 * with its own connection, some through a proxy that stalls or cuts. Whatever the fault, the
 * writes the replicas' controllers made, as the API server committed them, never overlap
 * between terms (test/support/lease-race.ts counts them per replica).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { fencedClient, LeaderElector, NotLeaderError, silentLogger, waitFor } from '@smart-fleet/kube';
import { LeaseRace, type Replica } from '../../test/support/lease-race.ts';
import { type TestHub, testHub, uniqueNamespace } from '../../test/support/test-hub.ts';

const TIMING = { leaseDurationMs: 6000, renewDeadlineMs: 4000, retryMs: 1000 };
/** Scheduling slack on a loaded machine: timers fire late, never early. */
const SLACK_MS = 1000;

let hub: TestHub;
const namespace = uniqueNamespace('election');
const races: LeaseRace[] = [];

const race = (lease: string) => {
  const r = new LeaseRace({ kubeconfig: hub.kubeconfig, namespace, lease, timing: TIMING });
  races.push(r);
  return r;
};
const leads = (r: Replica, what = `${r.identity} to lead`) =>
  waitFor(async () => r.leading() && performance.now(), { what, timeoutMs: TIMING.leaseDurationMs * 4 });
const stampsBy = (r: LeaseRace, identity: string, atLeast: number) =>
  waitFor(
    async () => r.writes.filter((w) => w.identity === identity && w.outcome === 'written').length >= atLeast,
    {
      what: `${atLeast} writes by ${identity}`,
      timeoutMs: 10000,
    },
  );
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

before(async () => {
  hub = await testHub();
  await hub.client.core.createNamespace({ body: { metadata: { name: namespace } } });
});

after(async () => {
  await Promise.all(races.map((r) => r.close()));
});

describe('a hung renew', () => {
  it('the leader steps down within the renew deadline; a standby takes over a lease duration after the last renewal it saw; no overlap', async () => {
    const r = race('hung-renew');
    await r.observeLease();
    // The leader's Lease calls go through a proxy that will stall; its writes go straight to the
    // API server and keep working: only the fence can stop them.
    const a = await r.replica({ identity: 'a', leaseViaProxy: true });
    await leads(a);
    const standbys = [await r.replica({ identity: 'b' }), await r.replica({ identity: 'c' })];
    await stampsBy(r, 'a', 5);

    const stalled = performance.now();
    a.proxy?.stall();
    const steppedDown = await waitFor(async () => !a.leading() && performance.now(), {
      what: 'a to step down',
      timeoutMs: TIMING.renewDeadlineMs * 3,
    });
    const tookOver = await waitFor(async () => standbys.some((s) => s.leading()) && performance.now(), {
      what: 'a standby to take over',
      timeoutMs: TIMING.leaseDurationMs * 4,
    });
    const lastRenewal = r.lastRenewalSeen('a', tookOver) ?? Number.NaN;
    console.log(
      `# hung renew: a stopped ${seconds(steppedDown - stalled)} after the stall, a standby acted ${seconds(tookOver - stalled)} after it (${seconds(tookOver - lastRenewal)} after a's last renewal)`,
    );
    assert.ok(
      steppedDown - stalled <= TIMING.renewDeadlineMs + SLACK_MS,
      'a went on leading past its deadline',
    );
    assert.ok(
      tookOver - lastRenewal >= TIMING.leaseDurationMs - 100,
      `a standby took over ${tookOver - lastRenewal} ms after a renewal it could have seen`,
    );
    const next = standbys.find((s) => s.leading());
    assert.ok(next);
    await stampsBy(r, next.identity, 3);
    const late = r.writes.filter(
      (w) => w.identity === 'a' && w.outcome === 'written' && w.endedAt > steppedDown,
    );
    assert.deepEqual(late, [], 'a wrote after it stepped down');

    // Its connection healed, the old leader reads the new holder and stays a standby.
    await a.proxy?.restore();
    await waitFor(async () => a.elector.leader()?.identity === next.identity, {
      what: 'a to see the new leader',
      timeoutMs: TIMING.leaseDurationMs * 4,
    });
    assert.equal(a.leading(), false);
    const perReplica = await r.checkOneActorAtATime();
    console.log(`# committed writes per replica: ${JSON.stringify(perReplica)}`);
    assert.ok((perReplica.a ?? 0) > 0 && (perReplica[next.identity] ?? 0) > 0);
  });
});

describe('a partition', () => {
  it('the cut-off leader stops acting; healed, it is a standby, and takes over when the new leader dies', async () => {
    const r = race('partition');
    const a = await r.replica({ identity: 'a', leaseViaProxy: true, writesViaProxy: true });
    await leads(a);
    const b = await r.replica({ identity: 'b' });
    await stampsBy(r, 'a', 3);

    const cut = performance.now();
    await a.proxy?.cut();
    const steppedDown = await waitFor(async () => !a.leading() && performance.now(), {
      what: 'a to step down',
      timeoutMs: TIMING.renewDeadlineMs * 3,
    });
    assert.ok(
      steppedDown - cut <= TIMING.renewDeadlineMs + SLACK_MS,
      `a led ${steppedDown - cut} ms into the cut`,
    );
    await leads(b);
    await stampsBy(r, 'b', 3);

    await a.proxy?.restore();
    await waitFor(async () => a.elector.leader()?.identity === 'b', {
      what: 'a to see b lead',
      timeoutMs: TIMING.leaseDurationMs * 4,
    });
    assert.equal(a.leading(), false, 'a led again beside b');

    const died = performance.now();
    b.crash();
    const back = await leads(a, 'a to take over from b');
    console.log(
      `# partition: a stopped ${seconds(steppedDown - cut)} after the cut; took over ${seconds(back - died)} after b died`,
    );
    await stampsBy(r, 'a', 6);
    const perReplica = await r.checkOneActorAtATime();
    console.log(`# committed writes per replica: ${JSON.stringify(perReplica)}`);
    assert.deepEqual(
      [...r.writes]
        .filter((w) => w.outcome === 'written')
        .map((w) => w.identity)
        .filter((id, i, all) => id !== all[i - 1]),
      ['a', 'b', 'a'],
    );
  });
});

describe('clock skew of 30 s on one replica', { concurrency: true }, () => {
  const HOLD_MS = TIMING.leaseDurationMs * 2;
  for (const skewMs of [30_000, -30_000]) {
    for (const skewed of ['standby', 'leader'] as const) {
      const sign = skewMs > 0 ? '+' : '-';
      it(`${sign}30 s on the ${skewed}: no early takeover, no stuck lease`, async () => {
        const r = race(`skew-${sign === '+' ? 'ahead' : 'behind'}-${skewed}`);
        await r.observeLease();
        const leader = await r.replica({ identity: 'l', wallSkewMs: skewed === 'leader' ? skewMs : 0 });
        await leads(leader);
        const standby = await r.replica({ identity: 's', wallSkewMs: skewed === 'standby' ? skewMs : 0 });
        await waitFor(async () => standby.elector.leader()?.identity === 'l', {
          what: 'the standby to see the leader',
          timeoutMs: 10000,
        });
        await delay(HOLD_MS); // an observation window: the standby must not take over in it
        const early = standby.started[0];
        if (early !== undefined) {
          // Only a machine stall past the renew deadline lets the leader go; even then the
          // standby may not take over sooner than a lease duration after a renewal it saw.
          const renewal = r.lastRenewalSeen('l', early) ?? Number.NaN;
          assert.ok(
            early - renewal >= TIMING.leaseDurationMs - 100,
            'the standby took over from a live leader',
          );
          console.log(
            `# ${sign}30 s on the ${skewed}: the leader lost the lease in a machine stall; no failover measured`,
          );
          await r.checkOneActorAtATime();
          return;
        }

        const died = performance.now();
        leader.crash();
        const at = await leads(standby);
        const tookOver = at - died;
        const sinceRenewal = at - (r.lastRenewalSeen('l', at) ?? Number.NaN);
        console.log(
          `# ${sign}30 s on the ${skewed}: the standby took over ${seconds(tookOver)} after the leader died, ${seconds(sinceRenewal)} after its last renewal`,
        );
        assert.ok(
          sinceRenewal >= TIMING.leaseDurationMs - 100,
          `took over ${sinceRenewal} ms after a renewal`,
        );
        // The last renewal came at most a retry before the crash; the standby sees it within a
        // retry and takes over at its first round a lease duration later.
        assert.ok(
          tookOver <= TIMING.leaseDurationMs + 2 * TIMING.retryMs + SLACK_MS * 2,
          `stuck for ${tookOver} ms`,
        );
        await stampsBy(r, 's', 2);
        await r.checkOneActorAtATime();
      });
    }
  }
});

describe('repeated faults on whoever leads', () => {
  it('stalls, cuts and crashes in turn: the replicas still act one at a time', async () => {
    const r = race('churn');
    const replicas = [
      await r.replica({ identity: 'x', leaseViaProxy: true, writesViaProxy: true }),
      await r.replica({ identity: 'y', leaseViaProxy: true }),
      await r.replica({ identity: 'z', leaseViaProxy: true, writesViaProxy: true }),
    ];
    const leaderNow = () =>
      waitFor(async () => replicas.find((x) => x.leading()), {
        what: 'a leader',
        timeoutMs: TIMING.leaseDurationMs * 4,
      });
    for (const fault of ['stall', 'cut', 'stall', 'crash'] as const) {
      const current = await leaderNow();
      await stampsBy(r, current.identity, current.started.length * 2);
      if (fault === 'stall') {
        current.proxy?.stall();
      } else if (fault === 'cut') {
        await current.proxy?.cut();
      } else {
        current.crash();
      }
      await waitFor(async () => replicas.some((x) => x !== current && x.leading()), {
        what: `a new leader after a ${fault} of ${current.identity}`,
        timeoutMs: TIMING.leaseDurationMs * 4,
      });
      await current.proxy?.restore();
    }
    const perReplica = await r.checkOneActorAtATime();
    console.log(`# committed writes per replica after 4 faults: ${JSON.stringify(perReplica)}`);
  });
});

describe('a leader whose timers run late', () => {
  it('finds its term over by the clock at its next write, before the deadline timer has fired', async () => {
    // The jump stands in for an event-loop stall (a long GC, a starved CPU): the clock moves past
    // the renew deadline and the first code to run is a worker's write, not the deadline timer.
    let jumpMs = 0;
    let stoppedLeading = 0;
    const elector = new LeaderElector({
      ...TIMING,
      client: hub.client,
      namespace,
      name: 'late-timers',
      identity: 'late',
      log: silentLogger,
      clock: { monotonicMs: () => performance.now() + jumpMs, wallMs: () => Date.now() },
      onStartedLeading: () => undefined,
      onStoppedLeading: () => {
        stoppedLeading++;
      },
    });
    const fenced = fencedClient(hub.client, elector);
    const configMap = (name: string) =>
      fenced.core.createNamespacedConfigMap({ namespace, body: { metadata: { name }, data: {} } });
    elector.start();
    try {
      await waitFor(async () => elector.leading, { what: 'the elector to lead', timeoutMs: 20000 });
      await configMap('late-timers-in-term');
      jumpMs = TIMING.renewDeadlineMs;
      await assert.rejects(
        configMap('late-timers-past-deadline'),
        (error: unknown) =>
          error instanceof NotLeaderError &&
          !error.inFlight &&
          /late does not lead Lease .*\/late-timers: POST .*configmaps was not sent/.test(error.message),
      );
      assert.equal(stoppedLeading, 1);
      await assert.rejects(
        hub.client.core.readNamespacedConfigMap({ namespace, name: 'late-timers-past-deadline' }),
        /404|not found/i,
      );
    } finally {
      elector.stop();
    }
  });
});
