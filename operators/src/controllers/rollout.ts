/**
 * Rollouts: moves a SiteRelease across the sites a selector picks, in health-gated waves (see
 * rollout/progress.ts for the rules). A site is moved by setting its status.targetRelease (its
 * agent pulls it) and remembering what it ran in previousRelease, which a roll-back restores.
 * What each site runs, and whether it is healthy, comes from the heartbeats in memory and the
 * informer caches: a progressing rollout is re-evaluated every second without asking the API
 * server. A Rollout that names no release, selects nothing or has bad waves gets a Valid=False
 * condition saying why, and moves no site.
 */
import type { KubernetesObject } from '@kubernetes/client-node';
import type { HubClient } from '@smart-fleet/hub';
import {
  formatProblems,
  type Rollout,
  type RolloutStatus,
  rolloutKind,
  type Site,
  siteKind,
  validateSpec,
} from '@smart-fleet/model';
import type { HeartbeatStore } from '../health/heartbeat-store.ts';
import { maintenanceWindowAt, unreadableWindows, type WindowVerdict } from '../rollout/maintenance-window.ts';
import { type SiteState, step } from '../rollout/progress.ts';
import { planWaves } from '../rollout/waves.ts';
import { setCondition } from '../runtime/conditions.ts';
import { Controller, type ControllerMetrics } from '../runtime/controller.ts';
import { recordEvent } from '../runtime/events.ts';
import { objectKey, type SharedInformers, splitKey } from '../runtime/informers.ts';
import type { Logger } from '../runtime/log.ts';
import { writeStatus } from '../runtime/status.ts';

export const ROLLOUTS = 'rollouts';
const TICK_MS = 1000;

interface Deps {
  client: HubClient;
  informers: SharedInformers;
  store: HeartbeatStore;
  log: Logger;
  metrics: ControllerMetrics;
  now?: () => Date;
}

type Obj<T> = T & KubernetesObject;

function siteState(site: Site, rollout: Rollout, deps: Deps, window: WindowVerdict): SiteState {
  const beat = deps.store.get(`${site.metadata.namespace}/${site.metadata.name}`);
  const gate = rollout.spec.healthGate;
  const telemetry = beat?.telemetry;
  const saturation = telemetry ? telemetry.egressMbps / site.spec.streaming.egressBudgetMbps : 0;
  // Errors arrive per heartbeat (5 s): twelve to the minute.
  const errorRate = telemetry ? telemetry.errors * 12 : 0;
  const phase = site.status?.phase;
  return {
    target: site.status?.targetRelease ?? site.status?.deployedRelease,
    running: beat?.release ?? site.status?.deployedRelease,
    failedRelease: beat?.failedRelease,
    healthy:
      phase !== 'Offline' &&
      phase !== 'Degraded' &&
      saturation <= gate.maxEgressSaturation &&
      errorRate <= gate.maxErrorRatePerMinute,
    inWindow: window.open,
  };
}

export function rolloutController(deps: Deps): { controller: Controller; stop: () => void } {
  const { client, informers, log } = deps;
  const now = deps.now ?? (() => new Date());
  const rollouts = informers.for<Obj<Rollout>>('Rollout');
  const sites = informers.for<Obj<Site>>('Site');
  const releases = informers.for('SiteRelease');

  const setTarget = async (site: Obj<Site>, release: string | undefined) => {
    const status = {
      ...(site.status ?? {}),
      targetRelease: release,
      previousRelease: site.status?.deployedRelease,
    };
    if (!release) {
      status.targetRelease = site.status?.previousRelease;
      status.previousRelease = undefined;
    }
    await writeStatus(client, siteKind, site, status);
  };

  const invalid = async (rollout: Obj<Rollout>, message: string) => {
    const status: RolloutStatus = {
      ...(rollout.status ?? {}),
      phase: rollout.status?.phase ?? 'Pending',
      observedGeneration: rollout.metadata.generation,
      conditions: setCondition(
        rollout.status?.conditions,
        {
          type: 'Valid',
          status: 'False',
          reason: 'InvalidSpec',
          message,
          observedGeneration: rollout.metadata.generation,
        },
        now(),
      ),
    };
    await writeStatus(client, rolloutKind, rollout, status);
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

  const moveSites = async (byName: Map<string, Obj<Site>>, names: readonly string[], release?: string) => {
    for (const n of names) {
      await setTarget(byName.get(n) as Obj<Site>, release);
    }
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
      names.map((n) => [n, siteState(byName.get(n) as Site, rollout, deps, windows.get(n) as WindowVerdict)]),
    );
    const out = step({ spec: rollout.spec, waves, sites: states, status: rollout.status ?? {}, now: at });
    await moveSites(byName, out.moveToRelease, rollout.spec.release);
    await moveSites(byName, out.rollBack, undefined);
    const generation = rollout.metadata.generation;
    const valid = {
      type: 'Valid',
      status: 'True' as const,
      reason: 'Valid',
      message: `${states.size} sites in ${waves.length} waves${rollout.spec.respectMaintenanceWindows ? unreadableWindows(windows) : ''}`,
      observedGeneration: generation,
    };
    const status: RolloutStatus = {
      ...out.status,
      observedGeneration: generation,
      conditions: setCondition(out.status.conditions, valid, at),
    };
    if ((await writeStatus(client, rolloutKind, rollout, status)) && out.failure) {
      log.info('rollout rolled back', { rollout: key, reason: out.failure });
      await recordEvent(client, ROLLOUTS, rollout, {
        type: 'Warning',
        reason: 'RolledBack',
        message: out.failure,
      });
    }
    return undefined;
  };

  const controller = new Controller({ name: ROLLOUTS, reconcile, log, metrics: deps.metrics, workers: 1 });
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
