import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MergeBudget } from './entries.ts';
import { INVENTORY_LIMITS } from './limits.ts';

describe('MergeBudget: what all entries may hold together with their defaults', () => {
  it('takes shares until the next would pass the node limit, then takes nothing', () => {
    const budget = new MergeBudget();
    const share = { nodes: INVENTORY_LIMITS.totalNodes / 4, chars: 10 };
    assert.deepEqual(
      [1, 2, 3, 4].map(() => budget.take(share)),
      [true, true, true, true],
    );
    assert.equal(budget.take({ nodes: 1, chars: 0 }), false);
    assert.equal(budget.take({ nodes: 0, chars: 1 }), true, 'a refused share took nothing');
  });

  it('counts text the same way', () => {
    const budget = new MergeBudget();
    assert.equal(budget.take({ nodes: 1, chars: INVENTORY_LIMITS.totalChars }), true);
    assert.equal(budget.take({ nodes: 1, chars: 1 }), false);
  });
});
