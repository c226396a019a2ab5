/**
 * One step of the edge-sessions benchmark: N player sessions against one target (the edge, or
 * the plain nginx beside it), ramped in over a few seconds, each playing the same number of
 * segments; measured from the players (segments on time, bytes), from the load generator's
 * processes (their CPU and event-loop delay), from /proc (the target's nginx processes, the
 * machine) and, for the edge, from the edge itself (its meter, its admission refusals).
 */
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { waitFor } from '@smart-fleet/kube';
import type { SiteEdge } from '@smart-fleet/services';
import type { PlayerSpec } from './hls-player.ts';
import { runPlayers } from './player-processes.ts';
import { openCpuWindow, processFamily } from './proc-cpu.ts';

/** What the issue asks of a step: this share of segments whole before their deadline. */
export const ON_TIME_TARGET = 0.999;
/** A worker process this busy (share of its one core) is the limit, not the server. */
export const GENERATOR_SATURATED = 0.9;

export interface StepTarget {
  name: 'edge' | 'plain';
  spec: PlayerSpec;
  /** The target's nginx master pid file (its workers are its children). */
  pidFile: string;
  /** The edge under test, for its own telemetry; absent for the plain nginx. */
  edge?: SiteEdge;
  /** An entitlement token per session (edge): a distinct subscriber each. */
  tokens?: (sessions: number) => Promise<string[]>;
}

export interface StepSettings {
  workers: number;
  rampSeconds: number;
  /** The title's measured bitrate: what N sessions should move together. */
  bitrateMbps: number;
  segmentSeconds: number;
}

export interface StepFigures {
  target: 'edge' | 'plain';
  sessions: number;
  segmentsPlanned: number;
  onTime: number;
  late: number;
  /** Late ones among each session's first segments, fetched back to back to fill its buffer. */
  lateFilling: number;
  failed: number;
  /** Sessions whose open was refused, by HTTP status. */
  refusedOpens: Record<string, number>;
  onTimePercent: number;
  passed: boolean;
  maxLateMs: number;
  stallSeconds: number;
  deliveredMbps: number;
  expectedMbps: number;
  generator: {
    workers: number;
    /** All workers' CPU together, % of one core, and % of the machine. */
    percentOfCore: number;
    percentOfMachine: number;
    busiestWorkerPercent: number;
    loopDelayP99Ms: number;
    saturated: boolean;
  };
  nginxPercentOfCore: number;
  /** nginx in the busiest second of the step. */
  nginxPeakPercentOfCore: number;
  /** The benchmark's own process: the edge's admission service runs in it. */
  benchProcessPercentOfCore: number;
  machineBusyPercent: number;
  machinePeakBusyPercent: number;
  edge?: { meterMbps: number; errors5xx: number; admissionRefusals: number };
  seconds: number;
  firstError?: string;
  /** Test runs or benchmarks seen running when the step ended: its figures are suspect. */
  othersRunning?: string[];
}

const round = (n: number, places = 1) => Number(n.toFixed(places));

function pidOf(file: string): number {
  const pid = Number(readFileSync(file, 'utf8').trim());
  if (!Number.isInteger(pid) || pid < 1) {
    throw new Error(`${file} holds no pid`);
  }
  return pid;
}

/** Ends the step only once the edge has closed every session of it, so the next starts from none. */
async function sessionsClosed(edge: SiteEdge): Promise<void> {
  await waitFor(async () => edge.telemetry().activeStreams === 0, {
    what: "the step's sessions to close at the edge",
    timeoutMs: 60_000,
    intervalMs: 500,
  });
}

export async function measureStep(
  target: StepTarget,
  sessions: number,
  s: StepSettings,
): Promise<StepFigures> {
  const tokens = (await target.tokens?.(sessions)) ?? [];
  const refusalsBefore = target.edge?.telemetry().admissionRefusals ?? 0;
  const nginx = processFamily(pidOf(target.pidFile));
  let window: ReturnType<typeof openCpuWindow> | undefined;
  let bench = process.cpuUsage();
  const spec = target.spec;
  const played = await runPlayers({
    workers: s.workers,
    spec,
    plans: (startAt) => {
      // The window opens with the schedule: worker start-up is nobody's cost.
      window = openCpuWindow(nginx);
      bench = process.cpuUsage();
      target.edge?.telemetry(); // a fresh meter window
      return Array.from({ length: sessions }, (_, i) => ({
        startAt: startAt + Math.round((i * s.rampSeconds * 1000) / sessions),
        ...(tokens[i] ? { token: tokens[i] } : {}),
      }));
    },
    // Three times a session's length in media time, plus the ramp: a bound, not an expectation.
    hardTimeoutMs:
      (s.rampSeconds + (spec.startupSegments + spec.segmentsPerSession) * s.segmentSeconds * 3 + 30) * 1000,
  });
  const cpu = window?.close() ?? {
    processCores: 0,
    machineBusy: 0,
    peakProcessCores: 0,
    peakMachineBusy: 0,
    wallMs: 0,
  };
  const benchUsed = process.cpuUsage(bench);
  const edgeAfter = target.edge?.telemetry();
  if (target.edge) {
    await sessionsClosed(target.edge);
  }
  const t = played.tally;
  const planned = sessions * spec.segmentsPerSession;
  const generatorCores = played.reports.reduce((n, r) => n + r.cpuMs, 0) / Math.max(1, cpu.wallMs);
  const busiest = Math.max(...played.reports.map((r) => r.cpuMs / Math.max(1, r.wallMs)));
  const seconds = Math.max(0.001, (t.lastAt - t.firstAt) / 1000);
  return {
    target: target.name,
    sessions,
    segmentsPlanned: planned,
    onTime: t.onTime,
    late: t.late,
    lateFilling: t.lateFilling,
    failed: t.failed,
    refusedOpens: t.refused,
    onTimePercent: round((t.onTime / planned) * 100, 3),
    passed: t.onTime / planned >= ON_TIME_TARGET,
    maxLateMs: Math.round(t.maxLateMs),
    stallSeconds: round(t.stallMs / 1000),
    deliveredMbps: round((t.bytes * 8) / seconds / 1e6),
    expectedMbps: round(sessions * s.bitrateMbps),
    generator: {
      workers: s.workers,
      percentOfCore: round(generatorCores * 100),
      percentOfMachine: round((generatorCores / cpus().length) * 100),
      busiestWorkerPercent: round(busiest * 100),
      loopDelayP99Ms: round(Math.max(...played.reports.map((r) => r.loopDelayMs.p99))),
      saturated: busiest >= GENERATOR_SATURATED,
    },
    nginxPercentOfCore: round(cpu.processCores * 100),
    nginxPeakPercentOfCore: round(cpu.peakProcessCores * 100),
    benchProcessPercentOfCore: round(
      ((benchUsed.user + benchUsed.system) / 1000 / Math.max(1, cpu.wallMs)) * 100,
    ),
    machineBusyPercent: round(cpu.machineBusy * 100),
    machinePeakBusyPercent: round(cpu.peakMachineBusy * 100),
    ...(edgeAfter
      ? {
          edge: {
            meterMbps: edgeAfter.egressMbps,
            errors5xx: edgeAfter.errors,
            admissionRefusals: edgeAfter.admissionRefusals - refusalsBefore,
          },
        }
      : {}),
    seconds: round(cpu.wallMs / 1000),
    ...(t.firstError ? { firstError: t.firstError } : {}),
  };
}
