/**
 * One step of a rollout, pure: from the waves, what each site runs and how it is, and the
 * time, which sites to move to the release (or back), and the rollout's status.
 *   abort                      -> every site moved so far goes back; Aborted
 *   a moved site fails the gate -> every site moved so far goes back; RolledBack
 *   paused                     -> nothing new moves; Paused
 *   otherwise the first wave not yet passed updates at most maxUnavailable sites at a time
 *   (inside their maintenance windows when asked), then bakes: it passes once every site has
 *   run the release healthily for bakeSeconds. All waves passed -> Succeeded.
 */
import type { RolloutSpec, RolloutStatus } from '@smart-fleet/model';
import type { WavePlan } from './waves.ts';

export interface SiteState {
  target?: string;
  running?: string;
  failedRelease?: string;
  /** Up and within the health gate's thresholds. */
  healthy: boolean;
  inWindow: boolean;
}

export interface StepInput {
  spec: RolloutSpec;
  waves: readonly WavePlan[];
  sites: ReadonlyMap<string, SiteState>;
  status: RolloutStatus;
  now: Date;
}

export interface StepOutput {
  status: RolloutStatus;
  moveToRelease: string[];
  rollBack: string[];
  /** Why the rollout rolled back, for an Event. */
  failure?: string;
}

type WaveStatus = NonNullable<RolloutStatus['waves']>[number];
const TERMINAL = new Set(['Succeeded', 'RolledBack', 'Aborted', 'Failed']);
const iso = (d: Date) => d.toISOString().replace(/\.\d+Z$/, 'Z');

function movedSites(input: StepInput): string[] {
  return [...input.sites].filter(([, s]) => s.target === input.spec.release).map(([name]) => name);
}

function gateFailure(input: StepInput): string | undefined {
  for (const name of movedSites(input)) {
    const s = input.sites.get(name);
    if (s?.failedRelease === input.spec.release) {
      return `site ${name} reports release ${input.spec.release} failed to start`;
    }
    if (s?.running === input.spec.release && !s.healthy) {
      return `site ${name} is unhealthy on release ${input.spec.release}`;
    }
  }
  return undefined;
}

function waveStatus(wave: WavePlan, previous: WaveStatus | undefined, input: StepInput): WaveStatus {
  const states = wave.sites.map((n) => input.sites.get(n));
  const release = input.spec.release;
  return {
    name: wave.name,
    sitesTotal: wave.sites.length,
    sitesUpdated: states.filter((s) => s?.running === release).length,
    sitesHealthy: states.filter((s) => s?.running === release && s.healthy).length,
    state: previous?.state ?? 'Pending',
    ...(previous?.startedAt ? { startedAt: previous.startedAt } : {}),
    ...(previous?.bakingSince ? { bakingSince: previous.bakingSince } : {}),
    ...(previous?.finishedAt ? { finishedAt: previous.finishedAt } : {}),
  };
}

/** Advances the current wave: more sites updating, baking, or passed. */
function advance(
  wave: WavePlan,
  status: WaveStatus,
  input: StepInput,
): { status: WaveStatus; move: string[] } {
  const release = input.spec.release;
  const now = iso(input.now);
  const pending = wave.sites.filter((n) => input.sites.get(n)?.target !== release);
  const updating = wave.sites.filter(
    (n) => input.sites.get(n)?.target === release && input.sites.get(n)?.running !== release,
  );
  const room = Math.max(0, wave.maxUnavailable - updating.length);
  const eligible = pending.filter(
    (n) => !input.spec.respectMaintenanceWindows || input.sites.get(n)?.inWindow,
  );
  const move = eligible.slice(0, room);
  const next: WaveStatus = { ...status, startedAt: status.startedAt ?? now };
  if (status.sitesHealthy < status.sitesTotal || move.length > 0) {
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

function finish(input: StepInput, phase: 'Aborted' | 'RolledBack', failure?: string): StepOutput {
  return { status: { ...input.status, phase }, moveToRelease: [], rollBack: movedSites(input), failure };
}

export function step(input: StepInput): StepOutput {
  const phase = input.status.phase;
  if (phase && TERMINAL.has(phase)) {
    return { status: input.status, moveToRelease: [], rollBack: [] };
  }
  if (input.spec.abort) {
    return finish(input, 'Aborted');
  }
  const failure = gateFailure(input);
  if (failure) {
    return finish(input, 'RolledBack', failure);
  }
  const previous = new Map((input.status.waves ?? []).map((w) => [w.name, w]));
  const waves = input.waves.map((w) => waveStatus(w, previous.get(w.name), input));
  if (input.spec.paused) {
    const current = waves.find((w) => w.state !== 'Passed');
    return {
      status: { ...input.status, phase: 'Paused', waves, currentWave: current?.name },
      moveToRelease: [],
      rollBack: [],
    };
  }
  // A wave that passes in this step hands over to the next at once.
  for (
    let index = waves.findIndex((w) => w.state !== 'Passed');
    index !== -1 && index < waves.length;
    index++
  ) {
    const wave = input.waves[index] as WavePlan;
    const advanced = advance(wave, waves[index] as WaveStatus, input);
    waves[index] = advanced.status;
    if (advanced.status.state !== 'Passed') {
      const status: RolloutStatus = { ...input.status, phase: 'Progressing', waves, currentWave: wave.name };
      return { status, moveToRelease: advanced.move, rollBack: [] };
    }
  }
  return {
    status: { ...input.status, phase: 'Succeeded', waves, currentWave: undefined },
    moveToRelease: [],
    rollBack: [],
  };
}
