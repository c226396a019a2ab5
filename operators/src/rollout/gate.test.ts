import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SiteTelemetry } from '@smart-fleet/model';
import { gateFailure } from './gate.ts';

const gate = {
  bakeSeconds: 60,
  maxErrorRatePerMinute: 5,
  maxEgressSaturation: 0.9,
  maxDrmDenialsPerMinute: 10,
  minCacheHitRatio: 0.5,
  maxAcceleratorsFailed: 0,
};
const calm: SiteTelemetry = {
  activeStreams: 100,
  egressMbps: 1000,
  cacheHitRatio: 0.9,
  storageUsedGB: 300,
  acceleratorsHealthy: 2,
  drmDenials: 0,
  errors: 0,
};

describe('the health gate reads every signal the heartbeat carries', () => {
  const cases: { name: string; telemetry: Partial<SiteTelemetry>; intervalMs?: number; fails?: RegExp }[] = [
    { name: 'calm', telemetry: {} },
    { name: 'errors at the limit (5/min over 60 s)', telemetry: { errors: 5 }, intervalMs: 60000 },
    {
      name: 'errors over the limit',
      telemetry: { errors: 1 },
      intervalMs: 5000,
      fails: /error rate 12\/min over 5\/min/,
    },
    { name: 'a rate is over the time between heartbeats', telemetry: { errors: 6 }, intervalMs: 120000 },
    { name: 'saturation at 90%', telemetry: { egressMbps: 3600 } },
    {
      name: 'saturation over 90%',
      telemetry: { egressMbps: 3700 },
      fails: /egress 3700 Mbps is 92.5% of the budget/,
    },
    {
      name: 'DRM denials over the limit',
      telemetry: { drmDenials: 2 },
      intervalMs: 5000,
      fails: /DRM denials 24\/min over 10\/min/,
    },
    { name: 'cache-hit collapse', telemetry: { cacheHitRatio: 0.2 }, fails: /cache hit ratio 0.2 under 0.5/ },
    { name: 'an idle edge has no cache verdict', telemetry: { cacheHitRatio: 0, activeStreams: 0 } },
    {
      name: 'a lost accelerator',
      telemetry: { acceleratorsHealthy: 1 },
      fails: /1 of 2 stream accelerators failing/,
    },
  ];
  for (const c of cases) {
    it(c.fails ? `fails: ${c.name}` : `passes: ${c.name}`, () => {
      const failure = gateFailure(gate, {
        telemetry: { ...calm, ...c.telemetry },
        intervalMs: c.intervalMs,
        egressBudgetMbps: 4000,
        acceleratorsInstalled: 2,
      });
      if (c.fails) {
        assert.match(failure ?? '', c.fails);
      } else {
        assert.equal(failure, undefined);
      }
    });
  }

  it('each threshold comes from the spec', () => {
    const input = {
      telemetry: { ...calm, errors: 1 },
      intervalMs: 5000,
      egressBudgetMbps: 4000,
      acceleratorsInstalled: 2,
    };
    assert.ok(gateFailure(gate, input));
    assert.equal(gateFailure({ ...gate, maxErrorRatePerMinute: 12 }, input), undefined);
    assert.ok(gateFailure({ ...gate, minCacheHitRatio: 0.95 }, { ...input, telemetry: calm }));
    assert.equal(
      gateFailure(
        { ...gate, maxAcceleratorsFailed: 1 },
        { ...input, telemetry: { ...calm, acceleratorsHealthy: 1 } },
      ),
      undefined,
    );
  });
});
