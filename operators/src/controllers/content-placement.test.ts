import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fillStatus } from './content-placement.ts';

const at = Date.parse('2026-11-25T02:00:00Z');

describe('fillStatus', () => {
  it('reports Filling, then writes again only in 10% steps, then Filled', () => {
    const first = fillStatus(
      { state: 'Pending', plannedMB: 1000, filledMB: 0 },
      { plannedMB: 1000, filledMB: 50 },
      at,
    );
    assert.equal(first?.state, 'Filling');
    assert.equal(first?.filledMB, 50);
    assert.equal(first?.lastReport, '2026-11-25T02:00:00Z');
    assert.equal(
      fillStatus(first, { plannedMB: 1000, filledMB: 120 }, at),
      undefined,
      'a 7% step was written',
    );
    assert.equal(fillStatus(first, { plannedMB: 1000, filledMB: 150 }, at)?.filledMB, 150);
    assert.equal(fillStatus(first, { plannedMB: 1000, filledMB: 1000 }, at)?.state, 'Filled');
  });

  it('an empty placement is Filled at once', () => {
    assert.equal(fillStatus(undefined, { plannedMB: 0, filledMB: 0 }, at)?.state, 'Filled');
  });
});
