import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { inMaintenanceWindow, maintenanceWindowAt, unreadableWindows } from './maintenance-window.ts';

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

describe('a stored window that cannot be read is closed and says why, never throws', () => {
  const at = new Date('2026-11-23T18:30:00Z'); // inside tue3am in Seoul
  type Stored = Parameters<typeof maintenanceWindowAt>[0];
  const cases: { name: string; window: Stored; problem: RegExp }[] = [
    {
      name: 'a zone Intl does not know',
      window: { ...tue3am, timeZone: 'Mars/Olympus_Mons' },
      problem: /^maintenanceWindow: unknown time zone "Mars\/Olympus_Mons"; treated as closed$/,
    },
    { name: 'an empty zone', window: { ...tue3am, timeZone: '' }, problem: /unknown time zone ""/ },
    {
      name: 'a zone that is not a string',
      window: { ...tue3am, timeZone: 9 as unknown as string },
      problem: /unknown time zone 9/,
    },
    {
      name: 'a very long zone is quoted cut short',
      window: { ...tue3am, timeZone: 'x'.repeat(100_000) },
      problem: /unknown time zone "x{64}"… \(100000 characters\)/,
    },
    { name: 'no window at all', window: undefined, problem: /unknown time zone nothing/ },
    {
      name: 'a start that is not HH:MM',
      window: { ...tue3am, start: '25:61' },
      problem: /start "25:61" is not HH:MM/,
    },
    {
      name: 'no days',
      window: { ...tue3am, days: undefined as unknown as typeof tue3am.days },
      problem: /no days or duration/,
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const verdict = maintenanceWindowAt(c.window, at);
      assert.equal(verdict.open, false);
      assert.match(verdict.problem ?? '', c.problem);
      assert.ok((verdict.problem ?? '').length < 200);
      assert.equal(inMaintenanceWindow(c.window, at), false);
    });
  }

  it('a readable window has no problem, open or closed', () => {
    assert.deepEqual(maintenanceWindowAt(tue3am, at), { open: true });
    assert.deepEqual(maintenanceWindowAt(tue3am, new Date('2026-11-23T20:00:00Z')), { open: false });
  });

  it('an alias Intl accepts (US/Pacific) is read in its zone', () => {
    // Monday 2026-11-23 10:30 in Los Angeles (UTC-8) is 18:30Z.
    const window = { days: ['mon' as const], start: '10:00', durationMinutes: 60, timeZone: 'US/Pacific' };
    assert.deepEqual(maintenanceWindowAt(window, at), { open: true });
  });
});

describe('unreadableWindows: what a rollout condition says about windows that cannot be read', () => {
  const at = new Date('2026-11-23T18:30:00Z');
  const verdicts = (zones: string[]) =>
    new Map(zones.map((z, i) => [`apt-${i + 1}`, maintenanceWindowAt({ ...tue3am, timeZone: z }, at)]));

  it('says nothing when every window reads', () => {
    assert.equal(unreadableWindows(verdicts(['Asia/Seoul', 'UTC'])), '');
  });

  it('names the site and why', () => {
    assert.equal(
      unreadableWindows(verdicts(['Asia/Seoul', 'Mars/Base'])),
      '; 1 site waits for a window that cannot be read: apt-2 (maintenanceWindow: unknown time zone "Mars/Base"; treated as closed)',
    );
  });

  it('names five and counts the rest', () => {
    const said = unreadableWindows(verdicts(Array.from({ length: 8 }, (_, i) => `Nowhere/${i}`)));
    assert.match(
      said,
      /^; 8 sites wait for a window that cannot be read: apt-1 .*apt-5 \([^)]*\) and 3 more$/,
    );
    assert.doesNotMatch(said, /apt-6/);
  });
});
