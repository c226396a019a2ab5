import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { generateFleet } from '@smart-fleet/model';
import {
  DEFAULT_FILL_WINDOW_POLICY,
  type FillWindowPolicy,
  fillSlot,
  fillWindowFor,
  fillWindowSlots,
  hhmm,
  minuteOfDay,
  nameHash,
} from './fill-window.ts';

const siteNames = (generateFleet().sites ?? []).map((s) => s.name);

/** Minutes from the off-peak start to `hh:mm`, across midnight if need be. */
const offset = (start: string, at: string) => (minuteOfDay(at) - minuteOfDay(start) + 1440) % 1440;

describe('fillWindowFor', () => {
  const cases: { policy: FillWindowPolicy; slots: string[]; slotMinutes: number }[] = [
    { policy: {}, slots: ['01:00', '02:00', '03:00', '04:00'], slotMinutes: 60 },
    {
      policy: { slots: 8 },
      slots: ['01:00', '01:30', '02:00', '02:30', '03:00', '03:30', '04:00', '04:30'],
      slotMinutes: 30,
    },
    {
      policy: { start: '23:00', durationMinutes: 360, slots: 6 },
      slots: ['23:00', '00:00', '01:00', '02:00', '03:00', '04:00'],
      slotMinutes: 60,
    },
    {
      policy: { start: '02:00', durationMinutes: 100, slots: 3 },
      slots: ['02:00', '02:33', '03:06'],
      slotMinutes: 33,
    },
    { policy: { start: '00:15', durationMinutes: 15, slots: 1 }, slots: ['00:15'], slotMinutes: 15 },
  ];

  for (const { policy, slots, slotMinutes } of cases) {
    const start = policy.start ?? DEFAULT_FILL_WINDOW_POLICY.start;
    const duration = policy.durationMinutes ?? DEFAULT_FILL_WINDOW_POLICY.durationMinutes;

    it(`cuts ${start} + ${duration} min into ${slots.length} slots of ${slotMinutes} min`, () => {
      assert.deepEqual(
        fillWindowSlots(policy),
        slots.map((s) => ({ start: s, durationMinutes: slotMinutes })),
      );
    });

    it(`keeps all 21,000 sites inside ${start} + ${duration} min, spread evenly over the slots`, () => {
      const counts = new Map<string, number>();
      for (const name of siteNames) {
        const w = fillWindowFor(name, policy);
        assert.equal(w.durationMinutes, slotMinutes);
        assert.ok(offset(start, w.start) + w.durationMinutes <= duration, `${name}: ${w.start}`);
        assert.deepEqual(w, fillWindowSlots(policy)[fillSlot(name, policy)]);
        counts.set(w.start, (counts.get(w.start) ?? 0) + 1);
      }
      assert.deepEqual([...counts.keys()].sort(), [...slots].sort());
      const mean = siteNames.length / slots.length;
      for (const [slot, n] of counts) {
        assert.ok(Math.abs(n - mean) <= 0.1 * mean, `slot ${slot} has ${n} sites, mean ${mean}`);
      }
    });
  }

  it('gives a site the same window every time, and neighbouring names different slots', () => {
    assert.deepEqual(fillWindowFor('apt-seoul-00001'), fillWindowFor('apt-seoul-00001'));
    const slots = new Set(
      ['apt-seoul-00001', 'apt-seoul-00002', 'apt-seoul-00003', 'apt-seoul-00004', 'apt-seoul-00005'].map(
        (n) => fillSlot(n, { slots: 16 }),
      ),
    );
    assert.ok(slots.size >= 3, `5 neighbours share ${slots.size} slots`);
    assert.equal(nameHash('apt-seoul-00001'), nameHash('apt-seoul-00001'));
    assert.notEqual(nameHash('apt-seoul-00001'), nameHash('apt-seoul-00002'));
  });

  const bad: { name: string; policy: FillWindowPolicy }[] = [
    { name: 'a start that is not HH:MM', policy: { start: '1:00' } },
    { name: 'a start past 23:59', policy: { start: '24:00' } },
    { name: 'slots shorter than 15 minutes', policy: { durationMinutes: 60, slots: 5 } },
    { name: 'slots longer than 12 hours', policy: { durationMinutes: 1440, slots: 1 } },
    { name: 'zero slots', policy: { slots: 0 } },
    { name: 'a fractional duration', policy: { durationMinutes: 90.5 } },
  ];
  for (const { name, policy } of bad) {
    it(`refuses ${name}`, () => {
      assert.throws(() => fillWindowFor('apt-seoul-00001', policy), RangeError);
      assert.throws(() => fillWindowSlots(policy), RangeError);
    });
  }

  it('formats minutes of the day across midnight', () => {
    assert.equal(hhmm(0), '00:00');
    assert.equal(hhmm(1440 + 75), '01:15');
    assert.equal(hhmm(-30), '23:30');
    assert.equal(minuteOfDay('23:59'), 1439);
  });
});
