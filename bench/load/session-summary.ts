/**
 * What the edge-sessions benchmark concludes from its steps: per target the largest N that kept
 * 99.9% of segments on time, and, in words, what stopped it there (the server missing deadlines,
 * and with which processes busy; the load generator saturated; or simply the largest step asked),
 * so the reader knows whether the figure is the server's or the machine's. And the steps as a table.
 */
import { cpus } from 'node:os';
import type { StepFigures } from './session-step.ts';

export interface TargetOutcome {
  target: 'edge' | 'plain';
  /** The largest N with >= 99.9% on time (0: not even the first step). */
  sustained: number;
  limit: string;
}

const SATURATED_MACHINE_PERCENT = 95;
const SATURATED_PROCESS_PERCENT = 90;

export interface SummaryContext {
  /** The largest step asked for. */
  maxStep: number;
  nginxWorkers: number;
  aheadSegments: number;
  rampSeconds: number;
}

function busy(f: StepFigures): string {
  return (
    `machine ${f.machineBusyPercent}% busy on average, ${f.machinePeakBusyPercent}% in the busiest second ` +
    `(${cpus().length} cores); nginx ${f.nginxPercentOfCore}% of a core (${f.nginxPeakPercentOfCore}% peak), ` +
    `load generator ${f.generator.percentOfCore}% (busiest worker ${f.generator.busiestWorkerPercent}%)` +
    (f.target === 'edge' ? `, admission ${f.benchProcessPercentOfCore}%` : '')
  );
}

function cause(f: StepFigures, c: SummaryContext): string {
  if (f.generator.saturated) {
    return 'the load generator saturated';
  }
  if (f.nginxPeakPercentOfCore >= SATURATED_PROCESS_PERCENT * c.nginxWorkers) {
    return `nginx's ${c.nginxWorkers === 1 ? 'one worker' : `${c.nginxWorkers} workers`} saturated in the busiest second`;
  }
  if (f.machinePeakBusyPercent >= SATURATED_MACHINE_PERCENT) {
    return `the machine's ${cpus().length} cores saturated in the busiest second`;
  }
  return 'no process saturated, even in the busiest second';
}

/** Where the late segments were: a start-up burst reads differently from a steady shortfall. */
function whenLate(f: StepFigures, c: SummaryContext): string {
  return (
    `${f.lateFilling} of the ${f.late} late segments were among each session's first ${c.aheadSegments} ` +
    `(its buffer fill, fetched back to back, with all ${f.sessions} sessions starting within ${c.rampSeconds} s)`
  );
}

export function limitIn(
  target: 'edge' | 'plain',
  steps: readonly StepFigures[],
  c: SummaryContext,
): TargetOutcome {
  const passed = steps.filter((f) => f.passed);
  const sustained = Math.max(0, ...passed.map((f) => f.sessions));
  const last = steps.at(-1);
  if (!last) {
    return { target, sustained, limit: 'not run' };
  }
  if (!last.passed) {
    const refused = Object.values(last.refusedOpens).reduce((a, b) => a + b, 0);
    return {
      target,
      sustained,
      limit:
        `on time fell to ${last.onTimePercent}% at ${last.sessions} sessions (${last.late} late, ${last.failed} failed` +
        `${refused ? `, ${refused} opens refused` : ''}); ${whenLate(last, c)}; ${cause(last, c)}: ${busy(last)}`,
    };
  }
  if (last.generator.saturated) {
    return {
      target,
      sustained,
      limit: `the load generator saturated at ${last.sessions} sessions, so the server's figure is at least this: ${busy(last)}`,
    };
  }
  return {
    target,
    sustained,
    limit: `the largest step (${c.maxStep}) kept ${last.onTimePercent}% on time: ${busy(last)}`,
  };
}

export function printSteps(rows: readonly StepFigures[]): void {
  const header = [
    'target',
    'N',
    'on time %',
    'late/failed',
    'Mbps',
    'loadgen % core',
    'busiest worker %',
    'nginx % core (peak)',
    'machine % (peak)',
    'refusals',
  ];
  const lines = rows.map((f) => [
    f.target,
    String(f.sessions),
    f.onTimePercent.toFixed(3),
    `${f.late + f.failed}${f.late > 0 ? ` (${f.lateFilling} filling)` : ''}`,
    f.deliveredMbps.toFixed(0),
    f.generator.percentOfCore.toFixed(0),
    f.generator.busiestWorkerPercent.toFixed(0),
    `${f.nginxPercentOfCore.toFixed(0)} (${f.nginxPeakPercentOfCore.toFixed(0)})`,
    `${f.machineBusyPercent.toFixed(0)} (${f.machinePeakBusyPercent.toFixed(0)})`,
    f.edge ? String(f.edge.admissionRefusals) : '-',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] ?? '').length)));
  for (const line of [header, ...lines]) {
    console.log(line.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  '));
  }
}
