import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkLeaseTiming, DEFAULT_LEASE_TIMING, defaultCallTimeoutMs } from './lease-timing.ts';

describe('checkLeaseTiming', () => {
  it('fills in client-go’s defaults, with half the renew deadline per call', () => {
    assert.deepEqual(checkLeaseTiming({}), { ...DEFAULT_LEASE_TIMING, callTimeoutMs: 5000 });
  });

  it('gives a call at least a second, never more than the renew deadline', () => {
    assert.equal(defaultCallTimeoutMs(10_000), 5000);
    assert.equal(defaultCallTimeoutMs(1500), 1000);
    assert.equal(defaultCallTimeoutMs(800), 800);
  });

  const refused: { what: string; timing: Parameters<typeof checkLeaseTiming>[0]; names: RegExp }[] = [
    {
      what: 'renew deadline equal to the lease',
      timing: { leaseDurationMs: 10_000 },
      names: /renewDeadlineMs \(10000\) must be below leaseDurationMs/,
    },
    {
      what: 'renew deadline past the lease',
      timing: { leaseDurationMs: 5000, renewDeadlineMs: 6000 },
      names: /renewDeadlineMs \(6000\) must be below/,
    },
    {
      what: 'no room to retry',
      timing: { renewDeadlineMs: 2400, retryMs: 2000 },
      names: /must exceed 1.2 x retryMs \(2000\)/,
    },
    {
      what: 'a call outliving the deadline',
      timing: { callTimeoutMs: 12_000 },
      names: /callTimeoutMs \(12000\) must not exceed renewDeadlineMs/,
    },
    { what: 'zero retry', timing: { retryMs: 0 }, names: /retryMs must be between 100 and/ },
    {
      what: 'not a number',
      timing: { leaseDurationMs: Number.NaN },
      names: /leaseDurationMs must be between/,
    },
    {
      what: 'a lease of days',
      timing: { leaseDurationMs: 86_400_000 },
      names: /leaseDurationMs must be between 100 and 3600000 ms/,
    },
  ];
  for (const c of refused) {
    it(`refuses ${c.what}, naming the setting`, () => {
      assert.throws(
        () => checkLeaseTiming(c.timing),
        (error: unknown) => error instanceof RangeError && c.names.test(error.message),
      );
    });
  }
});
