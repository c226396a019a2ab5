import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  checkTelemetry,
  egressSaturation,
  isSaturated,
  SiteTelemetry,
  TELEMETRY_FIELDS,
  TELEMETRY_METRICS,
} from './telemetry.ts';

const calm = {
  activeStreams: 10,
  egressMbps: 60,
  cacheHitRatio: 0.9,
  storageUsedGB: 400,
  acceleratorsHealthy: 2,
  drmDenials: 0,
  errors: 0,
};

describe('site telemetry', () => {
  it('has one metric per field, each a distinct Prometheus name', () => {
    assert.deepEqual(TELEMETRY_FIELDS, Object.keys(SiteTelemetry.properties));
    const names = TELEMETRY_FIELDS.map((f) => TELEMETRY_METRICS[f]);
    assert.equal(new Set(names).size, names.length);
    assert.ok(names.every((n) => /^smart_fleet_site_[a-z_]+$/.test(n)));
  });

  const cases: { name: string; value: unknown; problem?: RegExp }[] = [
    { name: 'calm telemetry', value: calm },
    { name: 'not an object', value: [], problem: /^telemetry must be an object$/ },
    {
      name: 'a negative egress',
      value: { ...calm, egressMbps: -1 },
      problem: /^telemetry\.egressMbps must be a number from 0/,
    },
    {
      name: 'a fractional stream count',
      value: { ...calm, activeStreams: 1.5 },
      problem: /activeStreams must be an integer/,
    },
    {
      name: 'a hit ratio over 1',
      value: { ...calm, cacheHitRatio: 1.2 },
      problem: /cacheHitRatio must be a number from 0 to 1$/,
    },
    { name: 'a missing field', value: { ...calm, errors: undefined }, problem: /telemetry\.errors/ },
    {
      name: 'Infinity',
      value: { ...calm, storageUsedGB: Number.POSITIVE_INFINITY },
      problem: /storageUsedGB/,
    },
  ];
  for (const c of cases) {
    it(`checks ${c.name}`, () => {
      const checked = checkTelemetry(c.value);
      if (c.problem) {
        assert.match(checked.problem ?? '', c.problem);
      } else {
        assert.deepEqual(checked.telemetry, calm);
      }
    });
  }

  it('keeps only the known fields', () => {
    assert.deepEqual(checkTelemetry({ ...calm, extra: 1 }).telemetry, calm);
  });

  it('calls a site saturated over 90% of its budget, and never without a budget', () => {
    assert.equal(egressSaturation({ egressMbps: 900 }, 1000), 0.9);
    assert.equal(isSaturated({ egressMbps: 900 }, 1000), false);
    assert.equal(isSaturated({ egressMbps: 901 }, 1000), true);
    assert.equal(isSaturated({ egressMbps: 901 }, 0), false);
    assert.equal(isSaturated({ egressMbps: 500 }, 1000, 0.4), true);
  });
});
