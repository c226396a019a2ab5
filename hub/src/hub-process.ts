/** Control-plane processes: started detached with a log file, stopped with a deadline. */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { waitFor } from '@smart-fleet/kube';

export interface StartedProcess {
  pid: number;
  /** Why the process is gone, if it exited while we were watching. */
  exitReason(): string | undefined;
}

export function startDetached(command: string, args: readonly string[], logFile: string): StartedProcess {
  const log = openSync(logFile, 'a');
  const child = spawn(command, args, { detached: true, stdio: ['ignore', log, log] });
  closeSync(log);
  let reason: string | undefined;
  child.on('exit', (code, signal) => {
    reason = `exited with ${signal ?? code}`;
  });
  child.on('error', (error) => {
    reason = error.message;
  });
  child.unref();
  if (child.pid === undefined) {
    throw new Error(`could not start ${command}`);
  }
  return { pid: child.pid, exitReason: () => reason };
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** SIGTERM, then SIGKILL if it is still there after `graceMs`. */
export async function stopProcess(pid: number, graceMs = 10000): Promise<void> {
  if (!isAlive(pid)) {
    return;
  }
  process.kill(pid, 'SIGTERM');
  try {
    await waitFor(async () => !isAlive(pid), {
      what: `process ${pid} to exit`,
      timeoutMs: graceMs,
      intervalMs: 50,
    });
  } catch {
    process.kill(pid, 'SIGKILL');
    await waitFor(async () => !isAlive(pid), {
      what: `process ${pid} to die`,
      timeoutMs: 5000,
      intervalMs: 50,
    });
  }
}

export function logTail(logFile: string, lines = 12): string {
  if (!existsSync(logFile)) {
    return '(no log)';
  }
  return readFileSync(logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
}

export interface ReadyStep {
  name: string;
  log: string;
  process: StartedProcess;
  timeoutMs: number;
  ready: () => Promise<boolean>;
}

/** Waits until `ready` holds; a failure names the step and shows its log's last lines. */
export async function awaitReady(step: ReadyStep): Promise<void> {
  try {
    await waitFor(async () => (await step.ready()) || undefined, {
      what: `${step.name} to become ready`,
      timeoutMs: step.timeoutMs,
      abortReason: step.process.exitReason,
    });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`${reason}\n--- last lines of ${step.log} ---\n${logTail(step.log)}`);
  }
}
