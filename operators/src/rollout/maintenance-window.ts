/**
 * Whether a moment falls in a site's maintenance window, in the window's own time zone
 * (Asia/Seoul for the paper's fleet). Pure; `Intl` does the time-zone arithmetic.
 */
import type { SiteSpec } from '@smart-fleet/model';

type Window = SiteSpec['maintenanceWindow'];
const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;

function localDayAndMinute(at: Date, timeZone: string): { day: number; minute: number } {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    weekday: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(at);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  const day = DAYS.indexOf(get('weekday').toLowerCase().slice(0, 3) as (typeof DAYS)[number]);
  return { day, minute: Number(get('hour')) * 60 + Number(get('minute')) };
}

export function inMaintenanceWindow(window: Window, at: Date): boolean {
  const { day, minute } = localDayAndMinute(at, window.timeZone);
  const [h = 0, m = 0] = window.start.split(':').map(Number);
  const start = h * 60 + m;
  // A window may run past midnight: then it is also open early on the next day.
  for (const offset of [0, 1]) {
    const startDay = DAYS[(day - offset + 7) % 7] as Window['days'][number];
    const elapsed = minute + offset * 1440 - start;
    if (window.days.includes(startDay) && elapsed >= 0 && elapsed < window.durationMinutes) {
      return true;
    }
  }
  return false;
}
