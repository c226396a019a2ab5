import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  FULL_SERVER_EGRESS_MBPS,
  hardwareEgressLimitMbps,
  hardwareSubscriberLimit,
  plannedEgressMbps,
  streamCapacity,
  streamCapacityTable,
} from './capacity.ts';
import { HARDWARE_PROFILES, type HardwareProfileName } from './hardware-profiles.ts';

describe('capacity: the paper Table 1 rows against a full server', () => {
  const rows = [
    { streams: 200, bitrateMbps: 20, fits: true },
    { streams: 201, bitrateMbps: 20, fits: false },
    { streams: 2000, bitrateMbps: 2, fits: true },
    { streams: 2001, bitrateMbps: 2, fits: false },
  ];
  for (const { streams, bitrateMbps, fits } of rows) {
    it(`${streams} x ${bitrateMbps} Mbps ${fits ? 'fits' : 'does not fit'} in ${FULL_SERVER_EGRESS_MBPS} Mbps`, () => {
      const needed = plannedEgressMbps([{ bitrateMbps, streams }]);
      assert.equal(needed, streams * bitrateMbps);
      assert.equal(needed <= FULL_SERVER_EGRESS_MBPS, fits);
    });
  }
});

describe('streamCapacity', () => {
  const cases = [
    { budget: 4000, bitrate: 20, streams: 200 },
    { budget: 4000, bitrate: 2, streams: 2000 },
    { budget: 2000, bitrate: 20, streams: 100 },
    { budget: 1000, bitrate: 2, streams: 500 },
    { budget: 4000, bitrate: 15, streams: 266 },
    { budget: 4000, bitrate: 2.5, streams: 1600 },
    { budget: 10, bitrate: 0.1, streams: 100 },
  ];
  for (const { budget, bitrate, streams } of cases) {
    it(`(${budget}, ${bitrate}) = ${streams}`, () => {
      assert.equal(streamCapacity(budget, bitrate), streams);
    });
  }

  it('gives the Table 1 row for a full server', () => {
    assert.deepEqual(streamCapacityTable(4000), [
      { bitrateMbps: 2, streams: 2000 },
      { bitrateMbps: 4, streams: 1000 },
      { bitrateMbps: 6, streams: 666 },
      { bitrateMbps: 8, streams: 500 },
      { bitrateMbps: 10, streams: 400 },
      { bitrateMbps: 15, streams: 266 },
      { bitrateMbps: 20, streams: 200 },
    ]);
  });
});

describe('hardware limits per profile', () => {
  const expected: Record<HardwareProfileName, { egress: number; subscribers: number }> = {
    'smp-full': { egress: 4000, subscribers: 1000 },
    'smp-half': { egress: 2000, subscribers: 500 },
    entry: { egress: 1000, subscribers: 250 },
    'cluster-full': { egress: 4000, subscribers: 1000 },
  };

  it('covers every profile in HARDWARE_PROFILES', () => {
    assert.deepEqual(Object.keys(expected).sort(), Object.keys(HARDWARE_PROFILES).sort());
  });

  for (const [name, profile] of Object.entries(HARDWARE_PROFILES)) {
    const want = expected[name as HardwareProfileName];
    it(`${name}: ${want.egress} Mbps, ${want.subscribers} subscribers`, () => {
      assert.equal(hardwareEgressLimitMbps(profile), want.egress);
      assert.equal(hardwareSubscriberLimit(profile), want.subscribers);
    });
  }

  it('is bound by whichever of CPUs or modules runs out first', () => {
    assert.equal(hardwareEgressLimitMbps({ cpus: 1, modules: 4 }), 2000);
    assert.equal(hardwareEgressLimitMbps({ cpus: 2, modules: 1 }), 1000);
    assert.equal(hardwareEgressLimitMbps({ cpus: 4, modules: 8 }), FULL_SERVER_EGRESS_MBPS);
    assert.equal(hardwareSubscriberLimit({ cpus: 2, modules: 8 }), 1000);
  });
});

describe('plannedEgressMbps', () => {
  it('has no floating-point drift at 2.5 Mbps', () => {
    // 0.1 + 0.2-style drift would give 7.499999... or 7.500000...1.
    assert.equal(plannedEgressMbps([{ bitrateMbps: 2.5, streams: 3 }]), 7.5);
    assert.equal(
      plannedEgressMbps([
        { bitrateMbps: 2.5, streams: 1 },
        { bitrateMbps: 2.5, streams: 1 },
        { bitrateMbps: 2.5, streams: 1 },
      ]),
      7.5,
    );
    assert.equal(plannedEgressMbps([{ bitrateMbps: 2.5, streams: 1600 }]), 4000);
  });

  it('adds decimal bitrates exactly', () => {
    assert.equal(
      plannedEgressMbps([
        { bitrateMbps: 0.1, streams: 1 },
        { bitrateMbps: 0.2, streams: 1 },
      ]),
      0.3,
    );
    assert.equal(plannedEgressMbps([{ bitrateMbps: 1.1, streams: 3 }]), 3.3);
  });

  it('sums a mixed plan and is zero for an empty one', () => {
    assert.equal(
      plannedEgressMbps([
        { bitrateMbps: 20, streams: 100 },
        { bitrateMbps: 4, streams: 400 },
        { bitrateMbps: 2, streams: 200 },
      ]),
      4000,
    );
    assert.equal(plannedEgressMbps([]), 0);
  });
});
