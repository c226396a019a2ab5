import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ANNOTATIONS } from '@smart-fleet/model';
import { applyOverrides, type Overrides, overridesOf } from './overrides.ts';
import {
  type PlacedTitle,
  type PlacementPolicy,
  type PlacementSite,
  type PlacementTitle,
  planPlacements,
  type SitePlan,
} from './planner.ts';

type Rendition = PlacementTitle['spec']['renditions'][number];

const rendition = (bitrateMbps: number, sizeMB: number): Rendition => ({
  name: `h264-${bitrateMbps}m`,
  codec: 'H.264',
  bitrateMbps,
  sizeMB,
});

const title = (name: string, ...renditions: Rendition[]): PlacementTitle => ({
  metadata: { name },
  spec: { renditions },
});

/** 1 GB of storage: a 900 MB budget under the default 10% headroom. */
const site: PlacementSite = {
  metadata: { name: 'site-1', namespace: 'ns' },
  spec: { kind: 'school', location: { region: 'R1' }, hardware: { storageGB: 1 } },
};

/** One 8 Mbps rendition per title, sized as named. */
const library = new Map(
  [
    title('a', rendition(8, 300)),
    title('b', rendition(8, 300)),
    title('c', rendition(8, 200)),
    title('x', rendition(8, 400)),
    title('y', rendition(8, 300)),
    title('big', rendition(8, 600)),
    title('huge', rendition(8, 1000)),
  ].map((t) => [t.metadata.name, t]),
);

const placed = (name: string): PlacedTitle => {
  const r = library.get(name)?.spec.renditions[0];
  assert.ok(r, `fixture: no title ${name}`);
  return Object.freeze({ title: name, renditions: Object.freeze([r.name]) as string[], sizeMB: r.sizeMB });
};

/** The plan as the planner shares it between sites: the list frozen. */
const planOf = (...names: string[]): SitePlan => {
  const titles = Object.freeze(names.map(placed));
  return {
    site: 'site-1',
    namespace: 'ns',
    region: 'R1',
    kind: 'school',
    budgetMB: 900,
    plannedMB: titles.reduce((sum, t) => sum + t.sizeMB, 0),
    titles,
  };
};

const apply = (plan: SitePlan, overrides: Partial<Overrides>, policy?: PlacementPolicy) =>
  applyOverrides(plan, { pinned: [], excluded: [], ...overrides }, library, site, policy);

const names = (plan: SitePlan) => plan.titles.map((t) => t.title);

describe('overridesOf', () => {
  it('reads both annotations: trimmed, blanks and repeats dropped, order kept', () => {
    assert.deepEqual(
      overridesOf({
        [ANNOTATIONS.pinnedTitles]: ' b , a,, b ,c ',
        [ANNOTATIONS.excludedTitles]: 'x,  y',
        other: 'z',
      }),
      { pinned: ['b', 'a', 'c'], excluded: ['x', 'y'] },
    );
  });

  it('no annotations, or blank ones, override nothing', () => {
    assert.deepEqual(overridesOf(undefined), { pinned: [], excluded: [] });
    assert.deepEqual(overridesOf({ [ANNOTATIONS.pinnedTitles]: ' , ' }), { pinned: [], excluded: [] });
  });
});

describe('applyOverrides', () => {
  it('an excluded title leaves the list, and plannedMB with it', () => {
    const { plan, unplaced } = apply(planOf('a', 'b', 'c'), { excluded: ['b'] });
    assert.deepEqual(names(plan), ['a', 'c']);
    assert.equal(plan.plannedMB, 500);
    assert.deepEqual(unplaced, []);
  });

  it('a pinned title the plan lacks goes first, with its renditions, when there is room', () => {
    const { plan, unplaced } = apply(planOf('a', 'c'), { pinned: ['y'] });
    assert.deepEqual(names(plan), ['y', 'a', 'c']);
    assert.deepEqual(plan.titles[0], placed('y'));
    assert.equal(plan.plannedMB, 800);
    assert.deepEqual(unplaced, []);
  });

  it('pins go first in the annotation order; one already planned moves up, not duplicated', () => {
    const { plan } = apply(planOf('a', 'b', 'c'), { pinned: ['c', 'a'] });
    assert.deepEqual(names(plan), ['c', 'a', 'b']);
    assert.equal(plan.plannedMB, 800);
  });

  it('makes room for a pin by dropping planned titles from the end of the list', () => {
    const { plan, unplaced } = apply(planOf('a', 'b', 'c'), { pinned: ['x'] });
    // 400 pinned leaves 500: a (300) still fits, b after it does not; c goes with it (prefix).
    assert.deepEqual(names(plan), ['x', 'a']);
    assert.equal(plan.plannedMB, 700);
    assert.ok(plan.plannedMB <= plan.budgetMB);
    assert.deepEqual(unplaced, []);
  });

  it('reports a pin too big for the whole budget and leaves the plan as it was', () => {
    const { plan, unplaced } = apply(planOf('a', 'b'), { pinned: ['huge'] });
    assert.deepEqual(unplaced, ['huge']);
    assert.deepEqual(names(plan), ['a', 'b']);
    assert.equal(plan.plannedMB, 600);
  });

  it('earlier pins win the room: a pin that does not fit beside them is reported, a smaller later one kept', () => {
    const { plan, unplaced } = apply(planOf('a', 'b', 'c'), { pinned: ['big', 'x', 'c'] });
    // big 600 + c 200 = 800; x (400) would need 1000; a and b no longer fit in the last 100.
    assert.deepEqual(names(plan), ['big', 'c']);
    assert.deepEqual(unplaced, ['x']);
    assert.equal(plan.plannedMB, 800);
  });

  it('an exclusion beats a pin of the same title, and the title is not reported', () => {
    const { plan, unplaced } = apply(planOf('a', 'b'), { pinned: ['b', 'x'], excluded: ['b'] });
    assert.deepEqual(names(plan), ['x', 'a']);
    assert.deepEqual(unplaced, []);
  });

  it('ignores pins and exclusions naming no title, and then keeps the shared plan as it is', () => {
    const input = planOf('a', 'b');
    const { plan, unplaced } = apply(input, { pinned: ['nope'], excluded: ['gone'] });
    assert.equal(plan, input);
    assert.deepEqual(unplaced, []);
  });

  it('a pin gets the renditions the bitrate cap allows the site; one with none allowed is reported', () => {
    const capped = new Map(library);
    capped.set('hd', title('hd', rendition(3, 100), rendition(8, 400)));
    capped.set('uhd', title('uhd', rendition(15, 200)));
    const policy: PlacementPolicy = { bitrateCap: { maxBitrateMbps: 5, kinds: ['school'] } };
    const overrides = { pinned: ['hd', 'uhd'], excluded: [] };
    const { plan, unplaced } = applyOverrides(planOf('a'), overrides, capped, site, policy);
    assert.deepEqual(plan.titles[0], { title: 'hd', renditions: ['h264-3m'], sizeMB: 100 });
    assert.deepEqual(names(plan), ['hd', 'a']);
    assert.deepEqual(unplaced, ['uhd']);
  });

  it('on a real plan: a title the planner left out, pinned, goes first and the plan stays within budget', () => {
    const planned = planPlacements({ titles: [...library.values()], sites: [site] }).sites[0];
    assert.ok(planned);
    const lacking = [...library.keys()].find((n) => !names(planned).includes(n) && n !== 'huge');
    assert.ok(lacking, 'fixture: the planner placed every title');
    const { plan } = apply(planned, { pinned: [lacking] });
    assert.deepEqual(plan.titles[0], placed(lacking));
    assert.ok(plan.plannedMB <= plan.budgetMB, `${plan.plannedMB} MB over ${plan.budgetMB}`);
  });

  it('does not change the input plan or its shared list', () => {
    const input = planOf('a', 'b', 'c');
    const before = structuredClone({ ...input, titles: [...input.titles] });
    const { plan } = apply(input, { pinned: ['x'], excluded: ['c'] });
    assert.notEqual(plan.titles, input.titles);
    assert.deepEqual({ ...input, titles: [...input.titles] }, before);
    assert.ok(Object.isFrozen(plan.titles), 'the new list should be frozen like the planner’s');
  });
});
