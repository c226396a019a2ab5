import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { inMaintenanceWindow } from './maintenance-window.ts';

const tue3am = { days: ['tue' as const], start: '03:00', durationMinutes: 120, timeZone: 'Asia/Seoul' };
const sat23 = { days: ['sat' as const], start: '23:00', durationMinutes: 180, timeZone: 'Asia/Seoul' };

describe('inMaintenanceWindow (Asia/Seoul is UTC+9)', () => {
  const cases: { name: string; window: typeof tue3am | typeof sat23; at: string; want: boolean }[] = [
    { name: 'inside: Tue 03:30 KST', window: tue3am, at: '2026-11-23T18:30:00Z', want: true },
    { name: 'at the start', window: tue3am, at: '2026-11-23T18:00:00Z', want: true },
    { name: 'at the end it is closed', window: tue3am, at: '2026-11-23T20:00:00Z', want: false },
    { name: 'the right time on the wrong day', window: tue3am, at: '2026-11-24T18:30:00Z', want: false },
    {
      name: 'UTC Tuesday 03:30 is not Seoul Tuesday 03:30',
      window: tue3am,
      at: '2026-11-24T03:30:00Z',
      want: false,
    },
    {
      name: 'past midnight: Sun 01:00 in a Sat 23:00 + 3 h window',
      window: sat23,
      at: '2026-11-28T16:00:00Z',
      want: true,
    },
    { name: 'past midnight, after it ends', window: sat23, at: '2026-11-28T17:30:00Z', want: false },
  ];
  for (const c of cases) {
    it(c.name, () => assert.equal(inMaintenanceWindow(c.window, new Date(c.at)), c.want));
  }
});
