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

async function attempt<T>(
  check: () => Promise<T | undefined | false>,
): Promise<{ value?: T; error?: unknown }> {
  try {
    const value = await check();
    return value ? { value } : {};
  } catch (error) {
    return { error };
  }
}

/** Resolves with the first truthy result of `check`; rejects at the deadline or on abort. */
export async function waitFor<T>(
  check: () => Promise<T | undefined | false>,
  options: WaitOptions,
): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  let lastError: unknown;
  for (let tries = 0; ; tries++) {
    const aborted = options.abortReason?.();
    if (aborted) {
      throw new Error(`gave up waiting for ${options.what}: ${aborted}`);
    }
    const result = await attempt(check);
    if (result.value) {
      return result.value;
    }
    lastError = result.error ?? lastError;
    const left = deadline - Date.now();
    if (left <= 0) {
      const detail = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
      throw new Error(`timed out after ${options.timeoutMs} ms waiting for ${options.what}${detail}`);
    }
    await delay(Math.min(options.intervalMs ?? 100 * 2 ** Math.min(tries, 3), left));
  }
}
