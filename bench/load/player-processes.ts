/**
 * The edge-sessions load generator as processes: `workers` child processes (player-worker.ts),
 * the sessions dealt round-robin among them, started on one schedule once every worker is
 * loaded (so node's start-up is not in anyone's ramp). Returns the sessions' tally summed and
 * each worker's report. Bounded: a worker that is not loaded in time, or not done by the hard
 * deadline, is killed and the run fails naming it.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface, type Interface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { addToTally, emptyTally, type PlayerSpec, type SessionPlan, type Tally } from './hls-player.ts';
import type { WorkerJob, WorkerReport } from './player-worker.ts';

const WORKER = fileURLToPath(new URL('./player-worker.ts', import.meta.url));
const READY_TIMEOUT_MS = 30_000;
/** The schedule starts this long after the jobs go out, so every worker has its job by then. */
const START_MARGIN_MS = 250;
const STDERR_TAIL_CHARS = 2000;

export interface PlayersRun {
  workers: number;
  spec: PlayerSpec;
  /** The sessions, given the schedule's start (epoch ms). */
  plans: (startAt: number) => SessionPlan[];
  /** All sessions must have ended by this long after the start. */
  hardTimeoutMs: number;
}

export interface PlayersResult {
  tally: Tally;
  reports: WorkerReport[];
}

interface Worker {
  child: ChildProcess;
  lines: Interface;
  stderr: () => string;
}

function spawnWorker(): Worker {
  const child = spawn(process.execPath, [WORKER], { stdio: ['pipe', 'pipe', 'pipe'] });
  // A worker dies with the benchmark, even on an exit that skips the cleanup below.
  const orphaned = () => child.kill('SIGKILL');
  process.once('exit', orphaned);
  child.once('exit', () => process.off('exit', orphaned));
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-STDERR_TAIL_CHARS);
  });
  return {
    child,
    lines: createInterface({ input: child.stdout as NodeJS.ReadableStream }),
    stderr: () => stderr,
  };
}

/** The next line the worker prints, or a rejection naming why there is none by the deadline. */
async function nextLine(w: Worker, what: string, timeoutMs: number): Promise<string> {
  const signal = AbortSignal.timeout(timeoutMs);
  const exited = once(w.child, 'exit', { signal }).then(([code]) => {
    throw new Error(`player worker exited ${code} before ${what}: ${w.stderr().trim()}`);
  });
  try {
    const [line] = (await Promise.race([once(w.lines, 'line', { signal }), exited])) as [string];
    return line;
  } catch (error) {
    if (signal.aborted) {
      throw new Error(`player worker gave no ${what} within ${timeoutMs} ms: ${w.stderr().trim()}`);
    }
    throw error;
  } finally {
    exited.catch(() => {});
  }
}

export async function runPlayers(run: PlayersRun): Promise<PlayersResult> {
  const workers = Array.from({ length: run.workers }, spawnWorker);
  try {
    await Promise.all(workers.map((w) => nextLine(w, 'ready', READY_TIMEOUT_MS)));
    const startAt = Date.now() + START_MARGIN_MS;
    const plans = run.plans(startAt);
    const jobs: WorkerJob[] = workers.map(() => ({ spec: run.spec, sessions: [] }));
    for (const [i, plan] of plans.entries()) {
      jobs[i % jobs.length]?.sessions.push(plan);
    }
    const reports = await Promise.all(
      workers.map(async (w, i) => {
        w.child.stdin?.end(`${JSON.stringify(jobs[i])}\n`);
        return JSON.parse(await nextLine(w, 'report', START_MARGIN_MS + run.hardTimeoutMs)) as WorkerReport;
      }),
    );
    return { tally: reports.reduce((t, r) => addToTally(t, r.tally), emptyTally()), reports };
  } finally {
    for (const w of workers) {
      w.lines.close();
      if (w.child.exitCode === null) {
        w.child.kill('SIGKILL');
      }
    }
  }
}
