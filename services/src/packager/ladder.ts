/**
 * The rendition ladder: which picture size a bitrate buys, from SD at the bottom of the service
 * range (2 Mbps, TV quality) to 1080p HDTV at the top (20 Mbps), and how a rendition's box is
 * fitted to the source (its aspect kept, never scaled up, even dimensions for 4:2:0).
 */

export interface Resolution {
  width: number;
  height: number;
}

/** Maps a rendition's bitrate to the picture box it is encoded into. */
export type Ladder = (bitrateMbps: number) => Resolution;

/** Rungs from the top; a bitrate takes the first rung it reaches. */
const RUNGS: readonly { fromMbps: number; resolution: Resolution }[] = [
  { fromMbps: 12, resolution: { width: 1920, height: 1080 } },
  { fromMbps: 7, resolution: { width: 1280, height: 720 } },
  { fromMbps: 4, resolution: { width: 960, height: 540 } },
  { fromMbps: 0, resolution: { width: 854, height: 480 } },
];

export const defaultLadder: Ladder = (bitrateMbps) =>
  (RUNGS.find((r) => bitrateMbps >= r.fromMbps) ?? (RUNGS.at(-1) as (typeof RUNGS)[number])).resolution;

const even = (n: number) => Math.max(2, Math.floor(n / 2) * 2);

/** The largest even-sized picture inside both `box` and the source, with the source's aspect. */
export function fitResolution(box: Resolution, source: Resolution): Resolution {
  const scale = Math.min(1, box.width / source.width, box.height / source.height);
  return { width: even(source.width * scale), height: even(source.height * scale) };
}
