/**
 * The HLS playlists: reading back the media playlist ffmpeg wrote (segments, durations, the key
 * URI each segment is under), bounded in size, and writing the master playlist that lists the
 * renditions with their measured bandwidth and resolution.
 */
import type { Resolution } from './ladder.ts';

const MAX_PLAYLIST_CHARS = 16 * 1024 * 1024;
const MAX_SEGMENTS = 100_000;

export interface PlaylistSegment {
  uri: string;
  durationSeconds: number;
  /** The URI of the EXT-X-KEY in force, if any. */
  keyUri?: string;
}

export class PlaylistError extends Error {
  override readonly name = 'PlaylistError';
}

function keyUri(line: string): string | undefined {
  if (/METHOD=NONE/.test(line)) {
    return undefined;
  }
  return /URI="([^"]*)"/.exec(line)?.[1];
}

interface ReadState {
  segments: PlaylistSegment[];
  key?: string;
  duration?: number;
}

function readLine(state: ReadState, line: string, where: string): void {
  if (line.startsWith('#EXT-X-KEY:')) {
    state.key = keyUri(line);
  } else if (line.startsWith('#EXTINF:')) {
    state.duration = Number.parseFloat(line.slice('#EXTINF:'.length));
  } else if (line && !line.startsWith('#')) {
    const duration = state.duration;
    if (duration === undefined || !Number.isFinite(duration) || state.segments.length >= MAX_SEGMENTS) {
      throw new PlaylistError(`${where}: segment ${line} has no EXTINF, or is past ${MAX_SEGMENTS} segments`);
    }
    state.segments.push({
      uri: line,
      durationSeconds: duration,
      ...(state.key ? { keyUri: state.key } : {}),
    });
    state.duration = undefined;
  }
}

/** The segments of a media playlist, in order. `name` is for messages. */
export function readMediaPlaylist(text: string, name: string): PlaylistSegment[] {
  if (text.length > MAX_PLAYLIST_CHARS || !text.startsWith('#EXTM3U')) {
    throw new PlaylistError(`${name} is not an HLS playlist of at most ${MAX_PLAYLIST_CHARS} characters`);
  }
  const state: ReadState = { segments: [] };
  for (const [index, line] of text.split('\n').entries()) {
    readLine(state, line.trim(), `${name} line ${index + 1}`);
  }
  return state.segments;
}

export interface MasterEntry {
  uri: string;
  /** Peak segment bitrate, bits per second (BANDWIDTH). */
  peakBps: number;
  averageBps: number;
  resolution: Resolution;
}

export function masterPlaylist(entries: readonly MasterEntry[]): string {
  const lines = ['#EXTM3U', '#EXT-X-VERSION:3', '#EXT-X-INDEPENDENT-SEGMENTS'];
  for (const e of [...entries].sort((a, b) => a.averageBps - b.averageBps)) {
    lines.push(
      `#EXT-X-STREAM-INF:BANDWIDTH=${Math.ceil(e.peakBps)},AVERAGE-BANDWIDTH=${Math.ceil(e.averageBps)},RESOLUTION=${e.resolution.width}x${e.resolution.height}`,
      e.uri,
    );
  }
  return `${lines.join('\n')}\n`;
}
