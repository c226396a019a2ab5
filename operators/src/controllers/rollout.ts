/**
 * Rollouts: move a SiteRelease across the sites a selector picks, in health-gated waves (the
 * rules are in rollout/progress.ts, the gate in rollout/gate.ts). A site is moved by writing its
 * ReleaseAssignment (desired state, owned whole by this controller; its agent pulls the release
 * named there); a roll-back writes it back to what the site ran before. Everything a step needs
 * is read from the informer caches and the heartbeats in memory: a progressing rollout is
 * re-evaluated every second without asking the API server. The rollout's own status
 * (ROLLOUT_STATUS) is written after the assignments it reports, and only when it changed.
 * A Rollout that names no release, selects nothing or has bad waves gets a Valid=False
 * condition saying why, and moves no site.
 */
import type { KubernetesObject } from '@kubernetes/client-node';
import {
  applyStatus,
  Controller,
  type ControllerMetrics,
  type KubeClient,
  type Logger,
  objectKey,
  recordEvent,
  type SharedInformers,
  serverSideApply,
  setCondition,
  splitKey,
} from '@smart-fleet/kube';
import {
  formatProblems,
  GROUP_VERSION,
  type ReleaseAssignment,
  type Rollout,
  type RolloutStatus,
  rolloutKind,
  type Site,
  validateSpec,
} from '@smart-fleet/model';
import type { HeartbeatStore } from '../health/heartbeat-store.ts';
import { gateFailure } from '../rollout/gate.ts';
import { maintenanceWindowAt, unreadableWindows, type WindowVerdict } from '../rollout/maintenance-window.ts';
import { type Move, type RollBack, type SiteState, type StepOutput, step } from '../rollout/progress.ts';
import { planWaves } from '../rollout/waves.ts';
import { ROLLOUT_STATUS } from '../status-owners.ts';

export const ROLLOUTS = 'rollouts';
const TICK_MS = 1000;
const iso = (d: Date) => d.toISOString().replace(/\.\d+Z$/, 'Z');

interface Deps {
  client: KubeClient;
  informers: SharedInformers;
  store: HeartbeatStore;
  log: Logger;
  metrics: ControllerMetrics;
  /** The health controller's grace: a site heard from within it is up. */
  graceMs: number;
  now?: () => Date;
}

type Obj<T> = T & KubernetesObject;

const created = (o: KubernetesObject) => new Date(o.metadata?.creationTimestamp ?? 0).getTime();

/** True when `other` was created after `me` (name breaks a tie): the newer rollout has a site. */
function newer(other: KubernetesObject | undefined, me: KubernetesObject): boolean {
  if (!other) {
    return false;
  }
  const [a, b] = [created(other), created(me)];
  return a > b || (a === b && (other.metadata?.name ?? '') > (me.metadata?.name ?? ''));
}

function assignmentFor(
  site: Obj<Site>,
  spec: Omit<ReleaseAssignment['spec'], 'site'>,
): ReleaseAssignment & KubernetesObject {
  const { name, namespace, uid } = site.metadata;
  return {
    apiVersion: GROUP_VERSION,
    kind: 'ReleaseAssignment',
    metadata: {
      name,
      namespace,
      ownerReferences: [{ apiVersion: GROUP_VERSION, kind: 'Site', name, uid: uid ?? '' }],
    },
    spec: { site: name, ...spec },
  } as ReleaseAssignment & KubernetesObject;
}

export function rolloutController(deps: Deps): { controller: Controller; stop: () => void } {
  const { client, informers, log } = deps;
  const now = deps.now ?? (() => new Date());
  const rollouts = informers.for<Obj<Rollout>>('Rollout');
  const sites = informers.for<Obj<Site>>('Site');
  const releases = informers.for('SiteRelease');
  const assignments = informers.for<Obj<ReleaseAssignment>>('ReleaseAssignment');

  const siteState = (site: Obj<Site>, rollout: Obj<Rollout>, at: Date, window: WindowVerdict): SiteState => {
    const { name, namespace } = site.metadata;
    const beat = deps.store.get(`${namespace}/${name}`);
    const assigned = assignments.get(name, namespace);
    const mine = assigned?.spec.rollout === rollout.metadata.name;
    const running = beat?.release ?? site.status?.deployedRelease;
    const telemetry = beat?.telemetry;
    return {
      assignment: mine ? assigned.spec : undefined,
      claimedElsewhere: !mine && newer(rollouts.get(assigned?.spec.rollout ?? '', namespace), rollout),
      releaseBefore: (!mine ? assigned?.spec.release : undefined) ?? running,
      running,
      failedRelease: beat?.failedRelease,
      failedReason: beat?.failedReason,
      fresh: beat !== undefined && at.getTime() - beat.at <= deps.graceMs,
      lastHeardAt: beat?.at,
      judged: telemetry !== undefined,
      gateFailure: telemetry
        ? gateFailure(rollout.spec.healthGate, {
            telemetry,
            intervalMs: beat?.intervalMs,
            egressBudgetMbps: site.spec.streaming.egressBudgetMbps,
            acceleratorsInstalled: site.spec.hardware.accelerators,
          })
        : undefined,
      inWindow: window.open,
    };
  };

  const assign = async (rollout: Obj<Rollout>, byName: Map<string, Obj<Site>>, out: StepOutput, at: Date) => {
    const release = rollout.spec.release;
    const write = (site: Obj<Site>, spec: Omit<ReleaseAssignment['spec'], 'site'>) =>
      serverSideApply(client, assignmentFor(site, spec), { fieldManager: ROLLOUTS, force: true });
    const by = rollout.metadata.name;
    for (const { site, previousRelease } of out.move as Move[]) {
      const s = byName.get(site) as Obj<Site>;
      await write(s, { release, rollout: by, previousRelease, assignedAt: iso(at) });
    }
    for (const { site, to } of out.rollBack as RollBack[]) {
      const s = byName.get(site) as Obj<Site>;
      const before = assignments.get(site, s.metadata.namespace)?.spec;
      await write(s, {
        release: to ?? release,
        rollout: by,
        previousRelease: before?.previousRelease,
        assignedAt: iso(at),
        rolledBackFrom: release,
      });
    }
  };

  const writeStatus = (rollout: Obj<Rollout>, status: RolloutStatus) =>
    applyStatus(client, rolloutKind, rollout, ROLLOUT_STATUS, {
      ...status,
      observedGeneration: rollout.metadata.generation,
    });

  const invalid = async (rollout: Obj<Rollout>, message: string) => {
    const condition = {
      type: 'Valid',
      status: 'False' as const,
      reason: 'InvalidSpec',
      message,
      observedGeneration: rollout.metadata.generation,
    };
    const { conditions, phase, currentWave, waves, sitesHeld } = rollout.status ?? {};
    await writeStatus(rollout, {
      phase: phase ?? 'Pending',
      currentWave,
      waves,
      sitesHeld,
      conditions: setCondition(conditions, condition, now()).filter((c) =>
        ROLLOUT_STATUS.conditions?.includes(c.type),
      ),
    });
    return undefined;
  };

  /** The waves, or why the rollout cannot run (the message names the field). */
  const wavesOrProblem = (rollout: Obj<Rollout>) => {
    const namespace = rollout.metadata.namespace ?? '';
    const releaseNames = new Set(releases.list(namespace).map((r) => r.metadata?.name ?? ''));
    const problems = validateSpec(rolloutKind, rollout.spec, {
      clusters: new Map(),
      tenants: new Set(),
      releases: releaseNames,
    });
    if (problems.length > 0) {
      return { problem: formatProblems(problems) };
    }
    const waves = planWaves(rollout.spec, sites.list(namespace));
    return waves.every((w) => w.sites.length === 0)
      ? { problem: 'spec.selector: selects no site' }
      : { waves };
  };

  const conditionsFor = (
    rollout: Obj<Rollout>,
    out: StepOutput,
    siteCount: number,
    waveCount: number,
    windows: Map<string, WindowVerdict>,
    at: Date,
  ) => {
    const generation = rollout.metadata.generation;
    const valid = {
      type: 'Valid',
      status: 'True' as const,
      reason: 'Valid',
      message: `${siteCount} sites in ${waveCount} waves${rollout.spec.respectMaintenanceWindows ? unreadableWindows(windows) : ''}`,
      observedGeneration: generation,
    };
    const progressing = { type: 'Progressing', ...out.progressing, observedGeneration: generation };
    return setCondition(setCondition(rollout.status?.conditions, valid, at), progressing, at).filter((c) =>
      ROLLOUT_STATUS.conditions?.includes(c.type),
    );
  };

  const reconcile = async (key: string) => {
    const { namespace, name } = splitKey(key);
    const rollout = rollouts.get(name, namespace);
    if (!rollout || rollout.metadata.deletionTimestamp) {
      return undefined;
    }
    const { waves, problem } = wavesOrProblem(rollout);
    if (!waves) {
      return invalid(rollout, problem);
    }
    const at = now();
    const byName = new Map(sites.list(namespace).map((s) => [s.metadata.name, s]));
    const names = waves.flatMap((w) => w.sites);
    // A stored window the rules would now refuse (say, an unknown zone) is closed, never a throw.
    const windows = new Map(
      names.map((n) => [n, maintenanceWindowAt(byName.get(n)?.spec.maintenanceWindow, at)]),
    );
    const states = new Map(
      names.map((n) => [
        n,
        siteState(byName.get(n) as Obj<Site>, rollout, at, windows.get(n) as WindowVerdict),
      ]),
    );
    const out = step({ spec: rollout.spec, waves, sites: states, status: rollout.status ?? {}, now: at });
    // Desired state first: the status then reports assignments that exist.
    await assign(rollout, byName, out, at);
    const conditions = conditionsFor(rollout, out, states.size, waves.length, windows, at);
    const written = await writeStatus(rollout, { ...out.status, conditions });
    if (written && out.failure) {
      log.info('rollout rolled back', { rollout: key, reason: out.failure });
      await recordEvent(client, ROLLOUTS, rollout, {
        type: 'Warning',
        reason: out.progressing.reason,
        message: out.progressing.message,
      });
    }
    return undefined;
  };

  const controller = new Controller({
    name: ROLLOUTS,
    kind: 'Rollout',
    reconcile,
    log,
    metrics: deps.metrics,
    workers: 1,
  });
  const enqueue = (o: KubernetesObject) => controller.queue.add(objectKey(o));
  rollouts.on('add', enqueue);
  rollouts.on('update', enqueue);
  informers.onResync('Rollout', enqueue);
  // Progress depends on heartbeats in memory: look again every second while any rollout moves.
  const tick = setInterval(() => {
    for (const r of rollouts.list()) {
      if (!r.status?.phase || r.status.phase === 'Progressing' || r.status.phase === 'Pending') {
        enqueue(r);
      }
    }
  }, TICK_MS);
  return { controller, stop: () => clearInterval(tick) };
}
