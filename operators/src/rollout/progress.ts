/**
 * One step of a rollout, pure: from the waves, each site's assignment and how it runs, and the
 * time, which sites to move to the release (or back), and the rollout's status.
 *   finished (Succeeded, Aborted, RolledBack, Failed)  -> only completes a roll-back left halfway
 *   abort                                               -> every moved site goes back; Aborted
 *   a moved site already rolled back (found, not trusted from status) -> the rest follow
 *   a moved site fails the gate or misses its deadline  -> every moved site goes back; RolledBack
 *   paused                                              -> nothing new moves; Paused
 *   otherwise the first wave not yet passed updates at most maxUnavailable sites at a time
 *   (inside their maintenance windows when asked), then bakes: it passes once every site has
 *   run the release within the gate for bakeSeconds. All waves passed -> Succeeded.
 * A roll-back returns each site to what it ran before; one that ran nothing is held on the
 * release (never stripped of its services) and reported: the rollout then ends Failed.
 */
import type { Condition, ReleaseAssignmentSpec, RolloutSpec, RolloutStatus } from '@smart-fleet/model';
import type { WavePlan } from './waves.ts';

export interface SiteState {
  /** The site's ReleaseAssignment when this rollout set it. */
  assignment?: Pick<ReleaseAssignmentSpec, 'release' | 'previousRelease' | 'assignedAt' | 'rolledBackFrom'>;
  /** A newer rollout has set the site's release: this one leaves the site alone. */
  claimedElsewhere?: boolean;
  /** What another rollout assigned it, or failing that what it runs: where a roll-back returns. */
  releaseBefore?: string;
  running?: string;
  failedRelease?: string;
  /** Why it failed, as the site's cluster said. */
  failedReason?: string;
  /** Heard from within the grace. */
  fresh: boolean;
  /** When its latest heartbeat came (or a new leader started counting its grace). */
  lastHeardAt?: number;
  /** Its latest heartbeat carried telemetry (a new leader's assumption carries none). */
  judged: boolean;
  /** Why its latest heartbeat fails the gate. */
  gateFailure?: string;
  inWindow: boolean;
}

export interface StepInput {
  spec: RolloutSpec;
  waves: readonly WavePlan[];
  sites: ReadonlyMap<string, SiteState>;
  status: RolloutStatus;
  now: Date;
}

export interface Move {
  site: string;
  previousRelease?: string;
}

export interface RollBack {
  site: string;
  /** Where it returns; undefined: it ran nothing before, so it is held on the release. */
  to?: string;
}

export interface StepOutput {
  status: Omit<RolloutStatus, 'conditions' | 'observedGeneration'>;
  /** The Progressing condition: why the rollout is where it is. */
  progressing: Pick<Condition, 'status' | 'reason' | 'message'>;
  move: Move[];
  rollBack: RollBack[];
  /** Set when this step decided a roll-back, for an Event. */
  failure?: string;
}

type WaveStatus = NonNullable<RolloutStatus['waves']>[number];
const FINISHED = new Set(['Succeeded', 'RolledBack', 'Aborted', 'Failed']);
const iso = (d: Date | number) => new Date(d).toISOString().replace(/\.\d+Z$/, 'Z');

const movedSites = (input: StepInput) =>
  [...input.sites].filter(
    ([, s]) => s.assignment?.release === input.spec.release && !s.assignment.rolledBackFrom,
  );

function progressed(s: SiteState, release: string): boolean {
  return s.running === release && s.fresh && s.judged && !s.gateFailure;
}

/** Why a moved site fails the rollout now, if it does. */
function siteFailure(
  name: string,
  s: SiteState,
  input: StepInput,
): { reason: string; message: string } | undefined {
  const { release, progressDeadlineSeconds } = input.spec;
  if (s.failedRelease === release) {
    const why = s.failedReason ? `: ${s.failedReason}` : '';
    return { reason: 'ReleaseFailed', message: `site ${name} reports release ${release} failed${why}` };
  }
  if (s.running === release && s.fresh && s.gateFailure) {
    return { reason: 'HealthGateFailed', message: `site ${name} on release ${release}: ${s.gateFailure}` };
  }
  if (progressed(s, release) || !s.assignment) {
    return undefined;
  }
  const assigned = Date.parse(s.assignment.assignedAt);
  const since = s.running === release && s.lastHeardAt ? Math.max(assigned, s.lastHeardAt) : assigned;
  if (input.now.getTime() - since <= progressDeadlineSeconds * 1000) {
    return undefined;
  }
  const what =
    s.running === release
      ? `has been silent since ${iso(since)}`
      : `has not reported it since it was moved at ${iso(assigned)}`;
  return {
    reason: 'ProgressDeadlineExceeded',
    message: `site ${name} ${what}: over the ${progressDeadlineSeconds} s progress deadline for release ${release}`,
  };
}

function rollBackAll(input: StepInput): RollBack[] {
  return movedSites(input).map(([site, s]) => ({ site, to: s.assignment?.previousRelease }));
}

/** Sites held on the release: rolled back with nothing to return to. */
function heldSites(input: StepInput, rollBack: readonly RollBack[]): string[] {
  const already = [...input.sites]
    .filter(
      ([, s]) =>
        s.assignment?.rolledBackFrom === input.spec.release && s.assignment.release === input.spec.release,
    )
    .map(([name]) => name);
  return [...new Set([...already, ...rollBack.filter((r) => !r.to).map((r) => r.site)])].sort();
}

/** A roll-back (now or found done): RolledBack, or Failed when sites are held. */
function rolledBack(
  input: StepInput,
  why: { reason: string; message: string },
  decided: boolean,
): StepOutput {
  const rollBack = rollBackAll(input);
  const held = heldSites(input, rollBack);
  const heldNote =
    held.length > 0
      ? `; ${held.length} site(s) had no earlier release and are held on ${input.spec.release}: ${held.slice(0, 10).join(', ')}`
      : '';
  const waves = (input.status.waves ?? []).map((w) =>
    w.name === input.status.currentWave ? { ...w, state: 'Failed' as const } : w,
  );
  return {
    status: {
      ...input.status,
      phase: held.length > 0 ? 'Failed' : 'RolledBack',
      waves,
      sitesHeld: held.length > 0 ? held : undefined,
    },
    progressing: { status: 'False', reason: why.reason, message: `${why.message}; rolled back${heldNote}` },
    move: [],
    rollBack,
    failure: decided ? why.message : undefined,
  };
}

function waveStatus(wave: WavePlan, previous: WaveStatus | undefined, input: StepInput): WaveStatus {
  const release = input.spec.release;
  const states = wave.sites.map((n) => input.sites.get(n));
  return {
    name: wave.name,
    sitesTotal: wave.sites.length,
    sitesUpdated: states.filter((s) => s?.running === release).length,
    sitesHealthy: states.filter((s) => s && progressed(s, release)).length,
    state: previous?.state ?? 'Pending',
    ...(previous?.startedAt ? { startedAt: previous.startedAt } : {}),
    ...(previous?.bakingSince ? { bakingSince: previous.bakingSince } : {}),
    ...(previous?.finishedAt ? { finishedAt: previous.finishedAt } : {}),
  };
}

/** Advances the current wave: more sites updating, baking, or passed. */
function advance(wave: WavePlan, status: WaveStatus, input: StepInput): { status: WaveStatus; move: Move[] } {
  const release = input.spec.release;
  const state = (n: string) => input.sites.get(n);
  const isMoved = (n: string) =>
    state(n)?.assignment?.release === release && !state(n)?.assignment?.rolledBackFrom;
  const pending = wave.sites.filter((n) => !isMoved(n));
  const updating = wave.sites.filter((n) => isMoved(n) && !progressed(state(n) as SiteState, release));
  const room = Math.max(0, wave.maxUnavailable - updating.length);
  const eligible = pending.filter((n) => !input.spec.respectMaintenanceWindows || state(n)?.inWindow);
  const move = eligible.slice(0, room).map((site) => ({ site, previousRelease: state(site)?.releaseBefore }));
  const now = iso(input.now);
  if (wave.sites.length === 0) {
    return { status: { ...status, state: 'Passed', finishedAt: status.finishedAt ?? now }, move: [] };
  }
  const next: WaveStatus = { ...status, startedAt: status.startedAt ?? now };
  if (status.sitesHealthy < status.sitesTotal || move.length > 0 || pending.length > 0) {
    return { status: { ...next, state: 'Updating', bakingSince: undefined }, move };
  }
  const since = next.bakingSince ?? now;
  const baked = input.now.getTime() - Date.parse(since) >= input.spec.healthGate.bakeSeconds * 1000;
  return {
    status: {
      ...next,
      bakingSince: since,
      state: baked ? 'Passed' : 'Baking',
      finishedAt: baked ? now : undefined,
    },
    move: [],
  };
}

function firstFailure(input: StepInput) {
  for (const [name, s] of movedSites(input)) {
    const failure = siteFailure(name, s, input);
    if (failure) {
      return failure;
    }
  }
  return undefined;
}

/** The sites this rollout may still move, per wave (sites a newer rollout holds are left out). */
function ownWaves(input: StepInput): WavePlan[] {
  return input.waves.map((w) => ({
    ...w,
    sites: w.sites.filter((n) => !input.sites.get(n)?.claimedElsewhere),
  }));
}

function progress(input: StepInput): StepOutput {
  const previous = new Map((input.status.waves ?? []).map((w) => [w.name, w]));
  const plans = ownWaves(input);
  const waves = plans.map((w) => waveStatus(w, previous.get(w.name), input));
  if (input.spec.paused) {
    const current = waves.find((w) => w.state !== 'Passed');
    return {
      status: { ...input.status, phase: 'Paused', waves, currentWave: current?.name },
      progressing: { status: 'False', reason: 'Paused', message: 'paused: no site moves until resumed' },
      move: [],
      rollBack: [],
    };
  }
  // A wave that passes in this step hands over to the next at once.
  for (
    let index = waves.findIndex((w) => w.state !== 'Passed');
    index !== -1 && index < waves.length;
    index++
  ) {
    const wave = plans[index] as WavePlan;
    const advanced = advance(wave, waves[index] as WaveStatus, input);
    waves[index] = advanced.status;
    if (advanced.status.state !== 'Passed') {
      const { sitesHealthy, sitesTotal } = advanced.status;
      return {
        status: {
          ...input.status,
          phase: 'Progressing',
          waves,
          currentWave: wave.name,
          sitesHeld: undefined,
        },
        progressing: {
          status: 'True',
          reason: advanced.status.state === 'Baking' ? 'Baking' : 'Updating',
          message: `wave ${wave.name}: ${sitesHealthy} of ${sitesTotal} sites run ${input.spec.release} within the gate`,
        },
        move: advanced.move,
        rollBack: [],
      };
    }
  }
  return {
    status: { ...input.status, phase: 'Succeeded', waves, currentWave: undefined, sitesHeld: undefined },
    progressing: {
      status: 'True',
      reason: 'Complete',
      message: `every selected site runs ${input.spec.release}`,
    },
    move: [],
    rollBack: [],
  };
}

export function step(input: StepInput): StepOutput {
  const phase = input.status.phase;
  if (phase === 'Succeeded') {
    return {
      status: input.status,
      progressing: {
        status: 'True',
        reason: 'Complete',
        message: `every selected site runs ${input.spec.release}`,
      },
      move: [],
      rollBack: [],
    };
  }
  if (phase && FINISHED.has(phase)) {
    // Already decided: finish a roll-back a crash may have left halfway, and say what was said.
    const said = input.status.conditions?.find((c) => c.type === 'Progressing');
    const out = rolledBack(
      input,
      { reason: phase, message: phase === 'Aborted' ? 'aborted' : 'rolled back' },
      false,
    );
    const progressing = said
      ? { status: said.status, reason: said.reason, message: said.message }
      : out.progressing;
    return {
      ...out,
      status: { ...out.status, phase: phase === 'Aborted' ? 'Aborted' : out.status.phase },
      progressing,
    };
  }
  if (input.spec.abort) {
    const out = rolledBack(input, { reason: 'Aborted', message: 'aborted' }, false);
    return {
      ...out,
      status: { ...out.status, phase: 'Aborted' },
      progressing: { status: 'False', reason: 'Aborted', message: 'aborted: moved sites returned' },
    };
  }
  const earlier = [...input.sites].some(([, s]) => s.assignment?.rolledBackFrom === input.spec.release);
  if (earlier) {
    return rolledBack(
      input,
      { reason: 'RolledBack', message: 'rolled back earlier (its sites carry rolledBackFrom)' },
      false,
    );
  }
  const failure = firstFailure(input);
  if (failure) {
    return rolledBack(input, failure, true);
  }
  return progress(input);
}
