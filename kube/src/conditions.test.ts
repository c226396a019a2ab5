import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setCondition } from './conditions.ts';

const t0 = new Date('2026-11-25T10:00:00Z');
const t1 = new Date('2026-11-25T10:05:00Z');

describe('setCondition', () => {
  it('adds a condition with the time of the transition', () => {
    const list = setCondition([], { type: 'Ready', status: 'True', reason: 'Up', message: 'ok' }, t0);
    assert.deepEqual(list, [
      {
        type: 'Ready',
        status: 'True',
        reason: 'Up',
        message: 'ok',
        lastTransitionTime: '2026-11-25T10:00:00Z',
      },
    ]);
  });

  it('keeps lastTransitionTime when only the reason or message changes', () => {
    const first = setCondition([], { type: 'Ready', status: 'True', reason: 'Up', message: 'ok' }, t0);
    const again = setCondition(
      first,
      { type: 'Ready', status: 'True', reason: 'StillUp', message: 'fine', observedGeneration: 2 },
      t1,
    );
    assert.equal(again[0]?.lastTransitionTime, '2026-11-25T10:00:00Z');
    assert.equal(again[0]?.reason, 'StillUp');
    assert.equal(again[0]?.observedGeneration, 2);
  });

  it('moves lastTransitionTime when the status flips, and keeps one condition per type', () => {
    const first = setCondition([], { type: 'Ready', status: 'True', reason: 'Up', message: '' }, t0);
    const other = setCondition(first, { type: 'Admitted', status: 'True', reason: 'Valid', message: '' }, t0);
    const flipped = setCondition(other, { type: 'Ready', status: 'False', reason: 'Down', message: '' }, t1);
    assert.deepEqual(
      flipped.map((c) => [c.type, c.status, c.lastTransitionTime]),
      [
        ['Ready', 'False', '2026-11-25T10:05:00Z'],
        ['Admitted', 'True', '2026-11-25T10:00:00Z'],
      ],
    );
  });

  it('does not change the list it was given', () => {
    const first = setCondition([], { type: 'Ready', status: 'True', reason: 'Up', message: '' }, t0);
    const copy = structuredClone(first);
    setCondition(first, { type: 'Ready', status: 'False', reason: 'Down', message: '' }, t1);
    assert.deepEqual(first, copy);
  });
});
