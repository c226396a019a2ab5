/**
 * One HLS player session as the edge-sessions benchmark plays it: open a session (at the edge:
 * POST /sessions with the entitlement token, then play under the signed prefix it answers), read
 * the media playlist, then fetch segments in order, looping the title, over one keep-alive
 * connection (http-connection.ts), as a set-top box would. Bodies are read to the end and
 * their bytes counted.
 *
 * Deadlines: playback starts `startupSegments` segment-times after the session began; segment k
 * must be whole before its playback starts (the start plus the media time before k). A player
 * keeps at most `aheadSegments` segment-times buffered: segment k is not asked for before its
 * deadline less that buffer, so a fast server sees a real player's pacing, not a download as
 * fast as it goes. A late segment stalls playback until it arrives (the player rebuffers), and
 * the deadlines after it move by the stall, as a real player's do.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { readMediaPlaylist } from '../../services/src/packager/hls-playlist.ts';
import { HttpConnection } from './http-connection.ts';

const MAX_PLAYLIST_BYTES = 1024 * 1024;
const MAX_ANSWER_BYTES = 64 * 1024;

export interface PlayerSpec {
  /** The server, http://127.0.0.1:port (loopback only). */
  base: string;
  /** edge: open a session first and play under its prefix; plain: play the path as it is. */
  mode: 'edge' | 'plain';
  title: string;
  /** The media playlist under the title, e.g. hls/hd-20m/index.m3u8. */
  playlistPath: string;
  startupSegments: number;
  aheadSegments: number;
  /** Segments each session plays (the title loops). */
  segmentsPerSession: number;
  /** A request with no answer and no progress for this long fails. */
  requestTimeoutMs: number;
}

export interface SessionPlan {
  /** When the session begins (epoch ms). */
  startAt: number;
  /** The entitlement token (edge only). */
  token?: string;
}

export interface SessionResult {
  /** Whether the session was opened (always, for plain) and its playlist read. */
  started: boolean;
  /** The status a failed open got (503 egress-budget, ...). */
  refusedStatus?: number;
  segments: number;
  onTime: number;
  late: number;
  /** Late ones among the first `aheadSegments`, which a player fetches back to back to fill its buffer. */
  lateFilling: number;
  failed: number;
  /** Total stall (rebuffering) and the latest segment, ms. */
  stallMs: number;
  maxLateMs: number;
  /** Bytes of the segments answered 200. */
  bytes: number;
  /** Epoch ms of the first request and the last byte. */
  firstAt: number;
  lastAt: number;
  firstError?: string;
}

export class PlayerError extends Error {
  override readonly name = 'PlayerError';
}

interface Opened {
  playlistUrl: URL;
  close?: () => Promise<void>;
}

/** Opens the session at the edge (or not, for plain) and says where its playlist is. */
async function open(spec: PlayerSpec, plan: SessionPlan, conn: HttpConnection): Promise<Opened | number> {
  if (spec.mode === 'plain') {
    return { playlistUrl: new URL(`/${spec.title}/${spec.playlistPath}`, spec.base) };
  }
  const answer = await conn.request({
    path: '/sessions',
    method: 'POST',
    headers: { authorization: `Bearer ${plan.token ?? ''}`, 'content-type': 'application/json' },
    body: JSON.stringify({ title: spec.title }),
    keep: MAX_ANSWER_BYTES,
    timeoutMs: spec.requestTimeoutMs,
  });
  if (answer.status !== 201) {
    return answer.status;
  }
  const { session, prefix } = JSON.parse(answer.text ?? '') as { session: string; prefix: string };
  return {
    playlistUrl: new URL(`${prefix}/${spec.title}/${spec.playlistPath}`, spec.base),
    close: async () => {
      await conn.request({
        path: `/sessions/${session}`,
        method: 'DELETE',
        timeoutMs: spec.requestTimeoutMs,
      });
    },
  };
}

function emptyResult(startAt: number): SessionResult {
  return {
    started: false,
    segments: 0,
    onTime: 0,
    late: 0,
    lateFilling: 0,
    failed: 0,
    stallMs: 0,
    maxLateMs: 0,
    bytes: 0,
    firstAt: startAt,
    lastAt: startAt,
  };
}

/** Plays one session to its end; never rejects (a failure is counted in the result). */
export async function playSession(spec: PlayerSpec, plan: SessionPlan): Promise<SessionResult> {
  const wait = plan.startAt - Date.now();
  if (wait > 0) {
    await delay(wait); // the session's place in the ramp: a schedule, not a readiness wait
  }
  const result = emptyResult(Date.now());
  const conn = new HttpConnection(spec.base);
  try {
    await play(spec, plan, conn, result);
  } catch (error) {
    result.firstError ??= error instanceof Error ? error.message : String(error);
  } finally {
    conn.close();
  }
  return result;
}

async function play(
  spec: PlayerSpec,
  plan: SessionPlan,
  conn: HttpConnection,
  result: SessionResult,
): Promise<void> {
  const begun = Date.now();
  const opened = await open(spec, plan, conn);
  if (typeof opened === 'number') {
    result.refusedStatus = opened;
    result.firstError = `opening the session: HTTP ${opened}`;
    return;
  }
  try {
    const listing = await conn.request({
      path: opened.playlistUrl.pathname,
      keep: MAX_PLAYLIST_BYTES,
      timeoutMs: spec.requestTimeoutMs,
    });
    if (listing.status !== 200) {
      throw new PlayerError(`${opened.playlistUrl.pathname}: HTTP ${listing.status}`);
    }
    const segments = readMediaPlaylist(listing.text ?? '', spec.playlistPath);
    if (segments.length === 0) {
      throw new PlayerError(`${spec.playlistPath} lists no segment`);
    }
    result.started = true;
    await playSegments(spec, { conn, playlistUrl: opened.playlistUrl, segments, begun }, result);
  } finally {
    await opened.close?.().catch(() => {});
    result.lastAt = Date.now();
  }
}

async function playSegments(
  spec: PlayerSpec,
  s: {
    conn: HttpConnection;
    playlistUrl: URL;
    segments: ReturnType<typeof readMediaPlaylist>;
    begun: number;
  },
  result: SessionResult,
): Promise<void> {
  const meanMs = (s.segments.reduce((n, x) => n + x.durationSeconds, 0) * 1000) / s.segments.length;
  const aheadMs = spec.aheadSegments * meanMs;
  // Playback starts after the startup buffer; the media time before segment k moves its deadline.
  let playStart = s.begun + spec.startupSegments * meanMs;
  let mediaMs = 0;
  for (let k = 0; k < spec.segmentsPerSession; k++) {
    const segment = s.segments[k % s.segments.length] as (typeof s.segments)[number];
    const deadline = playStart + mediaMs;
    const earliest = deadline - aheadMs;
    if (earliest > Date.now()) {
      await delay(earliest - Date.now()); // the buffer is full: a player waits for playback to drain it
    }
    result.segments++;
    try {
      const got = await s.conn.request({
        path: new URL(segment.uri, s.playlistUrl).pathname,
        timeoutMs: spec.requestTimeoutMs,
      });
      if (got.status !== 200) {
        throw new PlayerError(`${segment.uri}: HTTP ${got.status}`);
      }
      result.bytes += got.bytes;
    } catch (error) {
      result.failed++;
      result.firstError ??= error instanceof Error ? error.message : String(error);
      mediaMs += segment.durationSeconds * 1000;
      continue;
    }
    const lateMs = Date.now() - deadline;
    if (lateMs > 0) {
      result.late++;
      result.lateFilling += k < spec.aheadSegments ? 1 : 0;
      result.maxLateMs = Math.max(result.maxLateMs, lateMs);
      result.stallMs += lateMs;
      playStart += lateMs; // playback stalled until the segment came: what follows is due later
    } else {
      result.onTime++;
    }
    mediaMs += segment.durationSeconds * 1000;
  }
}

/** Sessions' results summed: what a worker reports and what a step adds up. */
/** Many sessions' results summed: the per-session figures, plus how many started and were refused. */
export interface Tally extends Omit<SessionResult, 'started' | 'refusedStatus'> {
  sessions: number;
  started: number;
  /** Opens refused, by HTTP status. */
  refused: Record<string, number>;
}

export function emptyTally(): Tally {
  return {
    sessions: 0,
    started: 0,
    refused: {},
    segments: 0,
    onTime: 0,
    late: 0,
    lateFilling: 0,
    failed: 0,
    stallMs: 0,
    maxLateMs: 0,
    bytes: 0,
    firstAt: Number.POSITIVE_INFINITY,
    lastAt: 0,
  };
}

/** Adds a session's result, or another tally, into `into`. */
export function addToTally(into: Tally, r: SessionResult | Tally): Tally {
  const isTally = 'sessions' in r;
  into.sessions += isTally ? r.sessions : 1;
  into.started += isTally ? r.started : Number(r.started);
  const refused = isTally ? r.refused : r.refusedStatus ? { [r.refusedStatus]: 1 } : {};
  for (const [status, n] of Object.entries(refused)) {
    into.refused[status] = (into.refused[status] ?? 0) + n;
  }
  into.segments += r.segments;
  into.onTime += r.onTime;
  into.late += r.late;
  into.lateFilling += r.lateFilling;
  into.failed += r.failed;
  into.stallMs += r.stallMs;
  into.maxLateMs = Math.max(into.maxLateMs, r.maxLateMs);
  into.bytes += r.bytes;
  into.firstAt = Math.min(into.firstAt, r.firstAt);
  into.lastAt = Math.max(into.lastAt, r.lastAt);
  into.firstError ??= r.firstError;
  return into;
}
