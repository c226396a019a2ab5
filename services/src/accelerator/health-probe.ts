/**
 * Health probes for devices that are present: a check function, or a command run with the
 * device's path as its last argument (exit 0 is healthy). A device that is not present needs no
 * probe (discovery already says so). Every probe runs under a timeout, a few at a time, and a
 * probe that throws, hangs or exits non-zero makes its device Unhealthy with the reason.
 */
import { type ExecFileException, execFile } from 'node:child_process';
import { elide } from '@smart-fleet/model/echo';
import type { FoundDevice } from './device-discovery.ts';

export interface HealthVerdict {
  healthy: boolean;
  /** Why a device is unhealthy, for logs and the status. */
  reason?: string;
}

export type HealthProbe = (device: FoundDevice, signal: AbortSignal) => Promise<HealthVerdict>;

export const DEFAULT_PROBE_TIMEOUT_MS = 5000;
/** Probes run at once; a box has a handful of cards, so this is rarely reached. */
const PROBE_CONCURRENCY = 8;
/** The most of a failing command's stderr a reason repeats. */
const MAX_REASON_CHARS = 200;

/** `argv` (program first) run as `argv... <device path>`, without a shell. */
export function commandProbe(argv: readonly string[]): HealthProbe {
  const [program, ...args] = argv;
  if (!program) {
    throw new Error('a health command needs at least a program to run');
  }
  return (device, signal) =>
    new Promise((resolve) => {
      execFile(
        program,
        [...args, device.path],
        { signal, maxBuffer: 64 * 1024, windowsHide: true },
        (error, _stdout, stderr) =>
          resolve(
            error
              ? { healthy: false, reason: commandFailure(program, error, String(stderr)) }
              : { healthy: true },
          ),
      );
    });
}

function commandFailure(program: string, error: ExecFileException, stderr: string): string {
  const how = error.name === 'AbortError' ? 'timed out' : `failed (${error.code ?? error.message})`;
  const said = stderr.trim();
  return elide(`health command ${program} ${how}${said ? `: ${said}` : ''}`, MAX_REASON_CHARS);
}

async function probeOne(probe: HealthProbe, device: FoundDevice, timeoutMs: number): Promise<HealthVerdict> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<HealthVerdict>((resolve) => {
    timer = setTimeout(() => {
      // Settled before the abort, whose own rejection (or verdict) must not win the race.
      resolve({ healthy: false, reason: `health probe timed out after ${timeoutMs} ms` });
      controller.abort();
    }, timeoutMs);
  });
  try {
    return await Promise.race([probe(device, controller.signal), timedOut]);
  } catch (error) {
    return {
      healthy: false,
      reason: elide(`health probe failed: ${(error as Error).message}`, MAX_REASON_CHARS),
    };
  } finally {
    clearTimeout(timer);
  }
}

/** Each device's verdict, by id. */
export async function probeDevices(
  devices: readonly FoundDevice[],
  probe: HealthProbe,
  timeoutMs = DEFAULT_PROBE_TIMEOUT_MS,
): Promise<Map<string, HealthVerdict>> {
  const verdicts = new Map<string, HealthVerdict>();
  for (let i = 0; i < devices.length; i += PROBE_CONCURRENCY) {
    const batch = devices.slice(i, i + PROBE_CONCURRENCY);
    const results = await Promise.all(batch.map((device) => probeOne(probe, device, timeoutMs)));
    batch.forEach((device, k) => {
      verdicts.set(device.id, results[k] ?? { healthy: false, reason: 'no verdict' });
    });
  }
  return verdicts;
}
