/**
 * When each local server pulls its planned titles from the wide-area cluster, pure. Fills run
 * off-peak (by default 01:00-05:00 local), and the off-peak window is cut into `slots` equal
 * slots: a site fills in the slot a hash of its name picks, so the 21,000 sites do not all
 * pull from the clusters' distribution nodes at 01:00, and a site keeps its slot from one plan
 * to the next (no state, no coordination). The whole fleet is in one time zone (Asia/Seoul),
 * so windows are local times without a zone.
 */
import type { ContentPlacementSpec } from '@smart-fleet/model';

export type FillWindow = ContentPlacementSpec['fillWindow'];

export interface FillWindowPolicy {
  /** Off-peak start, HH:MM local. */
  start?: string;
  /** Length of the whole off-peak window; may run past midnight. */
  durationMinutes?: number;
  /** Slots the window is cut into; each site fills in one. */
  slots?: number;
}

export const DEFAULT_FILL_WINDOW_POLICY = { start: '01:00', durationMinutes: 240, slots: 4 } as const;

/** ContentPlacement's schema bounds for one fill window. */
export const MIN_FILL_MINUTES = 15;
export const MAX_FILL_MINUTES = 720;
const DAY_MINUTES = 24 * 60;
const HH_MM = /^([01][0-9]|2[0-3]):([0-5][0-9])$/;

interface ResolvedFillPolicy {
  startMinute: number;
  slots: number;
  slotMinutes: number;
}

export function minuteOfDay(hhmm: string): number {
  const m = HH_MM.exec(hhmm);
  if (!m) {
    throw new RangeError(`fill window: start must be HH:MM, not ${JSON.stringify(hhmm)}`);
  }
  return Number(m[1]) * 60 + Number(m[2]);
}

export function hhmm(minute: number): string {
  const m = ((minute % DAY_MINUTES) + DAY_MINUTES) % DAY_MINUTES;
  return `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
}

function resolve(policy: FillWindowPolicy): ResolvedFillPolicy {
  const d = DEFAULT_FILL_WINDOW_POLICY;
  const duration = policy.durationMinutes ?? d.durationMinutes;
  const slots = policy.slots ?? d.slots;
  if (!Number.isInteger(duration) || duration < MIN_FILL_MINUTES || duration > DAY_MINUTES) {
    throw new RangeError(`fill window: durationMinutes must be an integer in [15, 1440], not ${duration}`);
  }
  if (!Number.isInteger(slots) || slots < 1) {
    throw new RangeError(`fill window: slots must be a positive integer, not ${slots}`);
  }
  const slotMinutes = Math.floor(duration / slots);
  if (slotMinutes < MIN_FILL_MINUTES || slotMinutes > MAX_FILL_MINUTES) {
    throw new RangeError(
      `fill window: ${duration} minutes in ${slots} slots gives ${slotMinutes}-minute slots, outside [${MIN_FILL_MINUTES}, ${MAX_FILL_MINUTES}]`,
    );
  }
  return { startMinute: minuteOfDay(policy.start ?? d.start), slots, slotMinutes };
}

/**
 * FNV-1a over the name, then murmur3's finaliser: FNV alone leaves the low bits (which `% slots`
 * reads) poorly mixed for names that differ only in their last digits, as site names do.
 */
export function nameHash(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) {
    h = Math.imul(h ^ name.charCodeAt(i), 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** The slot (0-based) a site fills in. */
export function fillSlot(siteName: string, policy: FillWindowPolicy = {}): number {
  return nameHash(siteName) % resolve(policy).slots;
}

function slotWindow(p: ResolvedFillPolicy, slot: number): FillWindow {
  return { start: hhmm(p.startMinute + slot * p.slotMinutes), durationMinutes: p.slotMinutes };
}

/** Every slot's window, in order: for dashboards, and to check a policy before using it. */
export function fillWindowSlots(policy: FillWindowPolicy = {}): FillWindow[] {
  const p = resolve(policy);
  return Array.from({ length: p.slots }, (_, slot) => slotWindow(p, slot));
}

/** The fill window of one site: its slot of the off-peak window. */
export function fillWindowFor(siteName: string, policy: FillWindowPolicy = {}): FillWindow {
  const p = resolve(policy);
  return slotWindow(p, nameHash(siteName) % p.slots);
}
