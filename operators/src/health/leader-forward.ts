/**
 * Agents' calls on a standby replica. Heartbeats live in the memory of the process that receives
 * them and only the leader judges site health, so with several replicas behind one Service a
 * standby must not keep what it receives: it relays the call to the leader (found on the
 * Lease) and returns the leader's answer. One hop, one attempt, a short timeout: a relayed call
 * is never relayed again (two replicas with stale views of the Lease cannot bounce a call
 * between them), and when there is no leader to ask the standby answers 503, which the agent
 * already treats as "hub unreachable" (it buffers telemetry and retries on its next beat).
 */
import type { IncomingHttpHeaders } from 'node:http';

/** Marks a relayed call; the replica receiving one answers it itself or not at all. */
export const FORWARDED_HEADER = 'x-smart-fleet-forwarded';
/** Under the agent's own 5 s call timeout, so the agent hears the 503 rather than timing out. */
export const FORWARD_TIMEOUT_MS = 3000;

export interface LeaderRouting {
  /** True while this replica owns site health: it answers agents' calls itself. */
  leading(): boolean;
  /** The leader's base URL for this endpoint, while its Lease is live; undefined otherwise. */
  leaderUrl(): string | undefined;
  timeoutMs?: number;
}

export interface RelayedCall {
  method: string;
  /** Path and query string. */
  path: string;
  headers: IncomingHttpHeaders;
  body?: Buffer;
}

export interface RelayAnswer {
  status: number;
  body: string;
  type: string;
}

const unavailable = (error: string): RelayAnswer => ({
  status: 503,
  body: JSON.stringify({ error }),
  type: 'application/json',
});

/** Only what the leader needs: the agent's credential and the body's type. */
function relayedHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const kept: Record<string, string> = { [FORWARDED_HEADER]: '1' };
  for (const name of ['authorization', 'content-type'] as const) {
    const value = headers[name];
    if (typeof value === 'string') {
      kept[name] = value;
    }
  }
  return kept;
}

/** The leader's answer to `call`, or a 503 naming why there is none. */
export async function relayToLeader(routing: LeaderRouting, call: RelayedCall): Promise<RelayAnswer> {
  if (call.headers[FORWARDED_HEADER]) {
    return unavailable('this replica is not the leader (a relayed call is not relayed again); retry');
  }
  const base = routing.leaderUrl();
  if (!base) {
    return unavailable('no leader elected yet; retry');
  }
  try {
    const res = await fetch(`${base}${call.path}`, {
      method: call.method,
      headers: relayedHeaders(call.headers),
      body: call.body && call.body.length > 0 ? new Uint8Array(call.body) : undefined,
      signal: AbortSignal.timeout(routing.timeoutMs ?? FORWARD_TIMEOUT_MS),
    });
    return {
      status: res.status,
      body: await res.text(),
      type: res.headers.get('content-type') ?? 'application/json',
    };
  } catch {
    return unavailable('the leader did not answer; retry');
  }
}
