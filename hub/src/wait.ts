/** Waiting on a condition with a deadline: the only kind of waiting the project does. */
import { setTimeout as delay } from 'node:timers/promises';

export interface WaitOptions {
  /** What is awaited, for the timeout message. */
  what: string;
  timeoutMs: number;
  intervalMs?: number;
  /** Checked before each try: a reason to stop waiting early (e.g. the process exited). */
  abortReason?: () => string | undefined;
}

/** Resolves with the first truthy result of `check`; rejects at the deadline or on abort. */
export async function waitFor<T>(check: () => Promise<T | undefined | false>, options: WaitOptions): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  let lastError: unknown;
  for (let attempt = 0; ; attempt++) {
    const aborted = options.abortReason?.();
    if (aborted) {
      throw new Error(`gave up waiting for ${options.what}: ${aborted}`);
    }
    try {
      const result = await check();
      if (result) {
        return result;
      }
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) {
      const detail = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
      throw new Error(`timed out after ${options.timeoutMs} ms waiting for ${options.what}${detail}`);
    }
    await delay(Math.min(options.intervalMs ?? 100 * 2 ** Math.min(attempt, 3), Math.max(1, deadline - Date.now())));
  }
}
