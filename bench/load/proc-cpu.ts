/**
 * CPU time as Linux accounts it, for benchmarks that must say what a figure was limited by:
 * a process's user + system time (/proc/<pid>/stat), the processes an nginx master runs (its
 * workers are its children), and the whole machine's busy time (/proc/stat). Read at the start
 * and the end of a window; the difference over the window's wall time is the share of a core.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** Linux's clock ticks per second for /proc CPU times (USER_HZ). */
const CLOCK_TICKS = 100;

/** The fields of /proc/<pid>/stat after the parenthesised command name (which may hold spaces). */
function statFields(pid: number): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined; // the process is gone
  }
}

/** User + system CPU the process has used so far, in ms (0 once it is gone). */
export function cpuMsOf(pid: number): number {
  const fields = statFields(pid);
  // Fields 14 and 15 of stat (utime, stime) are the 12th and 13th after the name.
  return fields ? ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS : 0;
}

/** The pid and its children (an nginx master and its workers; the cache manager too). */
export function processFamily(pid: number): number[] {
  const children: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (/^\d+$/.test(entry) && Number(statFields(Number(entry))?.[1]) === pid) {
      children.push(Number(entry));
    }
  }
  return [pid, ...children];
}

/** The machine's busy and total CPU time so far, in ms summed over its cores (/proc/stat's first line). */
export function machineCpuMs(): { busyMs: number; totalMs: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
  // cpu user nice system idle iowait irq softirq steal ...: idle and iowait are the idle part.
  const ticks = line.trim().split(/\s+/).slice(1, 9).map(Number);
  const total = ticks.reduce((a, b) => a + b, 0);
  const idle = (ticks[3] ?? 0) + (ticks[4] ?? 0);
  return { busyMs: ((total - idle) * 1000) / CLOCK_TICKS, totalMs: (total * 1000) / CLOCK_TICKS };
}

/** CPU used over a window by some processes (fixed when the window opens) and by the machine. */
export interface CpuWindow {
  /**
   * Ends the window: the processes' CPU as a share of one core and the machine's busy share
   * (0-1), over the whole window and in its busiest second (an average over a window hides a
   * burst that saturated for a few seconds).
   */
  close(): CpuFigures;
}

export interface CpuFigures {
  processCores: number;
  machineBusy: number;
  peakProcessCores: number;
  peakMachineBusy: number;
  wallMs: number;
}

interface Reading {
  at: number;
  processMs: number;
  machine: { busyMs: number; totalMs: number };
}

const SAMPLE_MS = 1000;

export function openCpuWindow(pids: readonly number[]): CpuWindow {
  const processStart = pids.map(cpuMsOf);
  // Per process, never below zero: one that exited in the window counts what it had used.
  const used = () => pids.reduce((n, pid, i) => n + Math.max(0, cpuMsOf(pid) - (processStart[i] ?? 0)), 0);
  const read = (): Reading => ({ at: performance.now(), processMs: used(), machine: machineCpuMs() });
  const rates = (from: Reading, to: Reading) => {
    const total = to.machine.totalMs - from.machine.totalMs;
    const wallMs = to.at - from.at;
    return {
      processCores: wallMs > 0 ? (to.processMs - from.processMs) / wallMs : 0,
      machineBusy: total > 0 ? (to.machine.busyMs - from.machine.busyMs) / total : 0,
    };
  };
  const first = read();
  let last = first;
  const peak = { processCores: 0, machineBusy: 0 };
  const sampler = setInterval(() => {
    const now = read();
    const r = rates(last, now);
    peak.processCores = Math.max(peak.processCores, r.processCores);
    peak.machineBusy = Math.max(peak.machineBusy, r.machineBusy);
    last = now;
  }, SAMPLE_MS);
  sampler.unref();
  return {
    close() {
      clearInterval(sampler);
      const end = read();
      const whole = rates(first, end);
      return {
        ...whole,
        // A window shorter than one sample has only its whole as its busiest second.
        peakProcessCores: Math.max(peak.processCores, last === first ? whole.processCores : 0),
        peakMachineBusy: Math.max(peak.machineBusy, last === first ? whole.machineBusy : 0),
        wallMs: end.at - first.at,
      };
    },
  };
}
