/**
 * Child-process entry for the edge-sessions benchmark's load generator: many player sessions
 * (hls-player.ts) in one process, away from the servers under test and from the benchmark's
 * own process (which runs the edge's admission service).
 *   node bench/load/player-worker.ts      then one line of WorkerJob JSON on stdin
 * Prints `ready` once loaded, then, when every session has ended, one line of WorkerReport
 * JSON: the sessions' tally, the CPU this process used while they ran (user + system, the
 * load generator's own cost) and its event loop's delay (a loop held up is a player late
 * through no fault of the server). On failure prints the reason on stderr and exits 1.
 */
import { once } from 'node:events';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import {
  addToTally,
  emptyTally,
  type PlayerSpec,
  playSession,
  type SessionPlan,
  type Tally,
} from './hls-player.ts';

export interface WorkerJob {
  spec: PlayerSpec;
  sessions: SessionPlan[];
}

export interface WorkerReport {
  tally: Tally;
  cpuMs: number;
  wallMs: number;
  loopDelayMs: { p99: number; max: number };
}

/** The most sessions one worker takes: a bound on what a job line can ask. */
const MAX_SESSIONS = 5000;

async function main(): Promise<void> {
  const lines = createInterface({ input: process.stdin });
  process.stdout.write('ready\n');
  const [line] = (await once(lines, 'line')) as [string];
  lines.close();
  const job = JSON.parse(line) as WorkerJob;
  if (!Array.isArray(job.sessions) || job.sessions.length > MAX_SESSIONS) {
    throw new Error(`a worker takes 0 to ${MAX_SESSIONS} sessions`);
  }
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  const cpu = process.cpuUsage();
  const started = performance.now();
  const results = await Promise.all(job.sessions.map((plan) => playSession(job.spec, plan)));
  const used = process.cpuUsage(cpu);
  loop.disable();
  const report: WorkerReport = {
    tally: results.reduce(addToTally, emptyTally()),
    cpuMs: (used.user + used.system) / 1000,
    wallMs: performance.now() - started,
    loopDelayMs: { p99: loop.percentile(99) / 1e6, max: loop.max / 1e6 },
  };
  // Exit only once the line is out: stdout may be a pipe the parent is still reading.
  process.stdout.write(`${JSON.stringify(report)}\n`, () => process.exit(0));
}

main().catch((err: unknown) => {
  process.stderr.write(
    `player worker: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    () => process.exit(1),
  );
});
