/**
 * Whether a moment falls in a site's maintenance window, in the window's own time zone
 * (Asia/Seoul for the paper's fleet). Pure; `Intl` does the time-zone arithmetic.
 *
 * The shared rules refuse a zone `Intl` does not know, but a Site stored before that rule (or
 * written past the webhook) may still carry one. A reconcile must not throw on it: such a window
 * is closed, and the verdict says why, so the rollout can report it instead of failing.
 */
import { isKnownTimeZone, quote, type SiteSpec } from '@smart-fleet/model';

type Window = SiteSpec['maintenanceWindow'];
const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
const START = /^([01][0-9]|2[0-3]):([0-5][0-9])$/;

/** One formatter per zone: building one costs more than using it, and rollouts ask every second. */
const formatters = new Map<string, Intl.DateTimeFormat>();
const MAX_FORMATTERS = 512;

export interface WindowVerdict {
  open: boolean;
  /** Set when the window cannot be read; it then counts as closed. */
  problem?: string;
}

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      weekday: 'short',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    if (formatters.size < MAX_FORMATTERS) {
      formatters.set(timeZone, format);
    }
  }
  return format;
}

function localDayAndMinute(at: Date, timeZone: string): { day: number; minute: number } {
  const parts = formatterFor(timeZone).formatToParts(at);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  const day = DAYS.indexOf(get('weekday').toLowerCase().slice(0, 3) as (typeof DAYS)[number]);
  return { day, minute: Number(get('hour')) * 60 + Number(get('minute')) };
}

/** Why a stored window cannot be evaluated, or undefined when it can. */
function unreadable(window: Window | undefined): string | undefined {
  if (typeof window?.timeZone !== 'string' || !isKnownTimeZone(window.timeZone)) {
    return `unknown time zone ${quote(window?.timeZone)}`;
  }
  if (!Array.isArray(window.days) || typeof window.durationMinutes !== 'number') {
    return 'no days or duration';
  }
  if (typeof window.start !== 'string' || !START.test(window.start)) {
    return `start ${quote(window.start)} is not HH:MM`;
  }
  return undefined;
}

export function maintenanceWindowAt(window: Window | undefined, at: Date): WindowVerdict {
  const problem = unreadable(window);
  if (problem || !window) {
    return { open: false, problem: `maintenanceWindow: ${problem}; treated as closed` };
  }
  const { day, minute } = localDayAndMinute(at, window.timeZone);
  const [h = 0, m = 0] = window.start.split(':').map(Number);
  const start = h * 60 + m;
  // A window may run past midnight: then it is also open early on the next day.
  for (const offset of [0, 1]) {
    const startDay = DAYS[(day - offset + 7) % 7] as Window['days'][number];
    const elapsed = minute + offset * 1440 - start;
    if (window.days.includes(startDay) && elapsed >= 0 && elapsed < window.durationMinutes) {
      return { open: true };
    }
  }
  return { open: false };
}

/** Whether the window is open at `at`; a window that cannot be read is closed. */
export function inMaintenanceWindow(window: Window | undefined, at: Date): boolean {
  return maintenanceWindowAt(window, at).open;
}

/** How many sites a summary names before counting the rest. */
const NAMED_SITES = 5;

/**
 * A sentence for a rollout's condition naming the sites whose windows cannot be read (so they
 * wait for a window that never opens), or '' when every window reads.
 */
export function unreadableWindows(verdicts: ReadonlyMap<string, WindowVerdict>): string {
  const bad = [...verdicts].filter(([, v]) => v.problem);
  if (bad.length === 0) {
    return '';
  }
  const named = bad.slice(0, NAMED_SITES).map(([site, v]) => `${site} (${v.problem})`);
  const more = bad.length > NAMED_SITES ? ` and ${bad.length - NAMED_SITES} more` : '';
  const sites = bad.length === 1 ? '1 site waits' : `${bad.length} sites wait`;
  return `; ${sites} for a window that cannot be read: ${named.join(', ')}${more}`;
}
