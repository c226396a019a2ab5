import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  type ContentTitleSpec,
  contentPlacementKind,
  generateFleet,
  hardwareProfile,
  type InventoryEntry,
  type SiteSpec,
  validateSpec,
} from '@smart-fleet/model';
import {
  diffPlans,
  type PlacementPlan,
  type PlacementPolicy,
  type PlacementSite,
  type PlacementTitle,
  planPlacements,
  type SitePlan,
  siteBudgetMB,
  siteKey,
  toPlacementSpec,
} from './planner.ts';
import { syntheticCatalog } from './synthetic-catalog.ts';

/** Site-like objects from generator entries, hardware profiles expanded. */
function sitesOf(entries: readonly InventoryEntry[]): PlacementSite[] {
  return entries.map((e) => {
    const hardware = hardwareProfile(e.hardware as string);
    assert.ok(hardware, `unknown profile ${String(e.hardware)}`);
    return {
      metadata: { name: e.name, namespace: 'smart-fleet' },
      spec: { kind: e.kind as SiteSpec['kind'], location: e.location as { region: string }, hardware },
    };
  });
}

function site(o: {
  name: string;
  region: string;
  storageGB: number;
  kind?: SiteSpec['kind'];
}): PlacementSite {
  return {
    metadata: { name: o.name },
    spec: {
      kind: o.kind ?? 'apartment-complex',
      location: { region: o.region },
      hardware: { storageGB: o.storageGB },
    },
  };
}

function title(o: { name: string; sizeMB: number; demand?: Record<string, number> }): PlacementTitle {
  return {
    metadata: { name: o.name },
    spec: {
      renditions: [{ name: 'h264-8m', codec: 'H.264', bitrateMbps: 8, sizeMB: o.sizeMB }],
      ...(o.demand
        ? { demand: Object.entries(o.demand).map(([region, weight]) => ({ region, weight })) as never }
        : {}),
    },
  };
}

const national = (spec: Pick<ContentTitleSpec, 'demand'>) =>
  (spec.demand ?? []).reduce((s, d) => s + d.weight, 0);
const names = (p: SitePlan) => p.titles.map((t) => t.title);
const byName = (plan: PlacementPlan) => new Map(plan.sites.map((s) => [s.site, s]));

const fleet = sitesOf(generateFleet({ apartments: 130, schools: 170 }).sites ?? []);
const catalog = syntheticCatalog({ titles: 500, seed: 7 });
const renditionsOf = new Map(catalog.map((t) => [t.metadata.name, t.spec.renditions]));

describe('planPlacements: storage budgets', () => {
  const policies: { name: string; policy?: PlacementPolicy; headroom: number }[] = [
    { name: 'the default policy', headroom: 0.1 },
    { name: '30% headroom', policy: { headroomFraction: 0.3 }, headroom: 0.3 },
    { name: 'head only', policy: { headShare: 1 }, headroom: 0.1 },
    { name: 'regional tail only', policy: { headShare: 0 }, headroom: 0.1 },
    {
      name: 'schools capped at 6 Mbps',
      policy: { bitrateCap: { maxBitrateMbps: 6, kinds: ['school'] } },
      headroom: 0.1,
    },
  ];
  for (const { name, policy, headroom } of policies) {
    it(`no site of 300 x 500 titles exceeds its budget under ${name}`, () => {
      const plan = planPlacements({ titles: catalog, sites: fleet, ...(policy ? { policy } : {}) });
      assert.equal(plan.sites.length, 300);
      for (const [i, s] of plan.sites.entries()) {
        const storageGB = fleet[i]?.spec.hardware.storageGB ?? 0;
        assert.equal(s.budgetMB, Math.floor(storageGB * 1000 * (1 - headroom) + 1e-6), s.site);
        assert.ok(s.plannedMB <= s.budgetMB, `${s.site}: ${s.plannedMB} MB > ${s.budgetMB} MB`);
        assert.ok(s.plannedMB > 0.5 * s.budgetMB, `${s.site} fills only ${s.plannedMB} of ${s.budgetMB} MB`);
        assert.equal(
          s.plannedMB,
          s.titles.reduce((sum, t) => sum + t.sizeMB, 0),
        );
        assert.equal(new Set(names(s)).size, s.titles.length, `${s.site} lists a title twice`);
        for (const t of s.titles) {
          const sizes = new Map((renditionsOf.get(t.title) ?? []).map((r) => [r.name, r.sizeMB]));
          assert.equal(
            t.sizeMB,
            t.renditions.reduce((sum, r) => sum + (sizes.get(r) ?? Number.NaN), 0),
          );
        }
      }
      assert.equal(
        plan.summary.plannedMB,
        plan.sites.reduce((s, p) => s + p.plannedMB, 0),
      );
      assert.ok(plan.summary.plannedMB <= plan.summary.budgetMB);
    });
  }

  it('a bitrate cap keeps only renditions under it, where it applies', () => {
    const plan = planPlacements({
      titles: catalog,
      sites: fleet,
      policy: { bitrateCap: { maxBitrateMbps: 6, kinds: ['school'] } },
    });
    const bitrate = new Map(
      catalog.flatMap((t) => t.spec.renditions.map((r) => [`${t.metadata.name}/${r.name}`, r.bitrateMbps])),
    );
    for (const s of plan.sites) {
      for (const t of s.titles) {
        const rates = t.renditions.map((r) => bitrate.get(`${t.title}/${r}`) ?? Number.NaN);
        if (s.kind === 'school') {
          assert.ok(
            rates.every((b) => b <= 6),
            `${s.site} keeps ${t.title} at ${rates.join(', ')} Mbps`,
          );
        } else {
          assert.equal(t.renditions.length, renditionsOf.get(t.title)?.length, `${s.site} trims ${t.title}`);
        }
      }
    }
  });

  it('a cap by storage applies to small boxes only', () => {
    const sites = [
      site({ name: 'small', region: 'seoul', storageGB: 500 }),
      site({ name: 'big', region: 'seoul', storageGB: 2000 }),
    ];
    const plan = byName(
      planPlacements({
        titles: catalog,
        sites,
        policy: { bitrateCap: { maxBitrateMbps: 4, maxStorageGB: 500 } },
      }),
    );
    const maxRate = (p: SitePlan | undefined) =>
      Math.max(
        ...(p?.titles ?? []).flatMap((t) =>
          t.renditions.map(
            (r) => renditionsOf.get(t.title)?.find((x) => x.name === r)?.bitrateMbps ?? Number.NaN,
          ),
        ),
      );
    assert.ok(maxRate(plan.get('small')) <= 4);
    assert.ok(maxRate(plan.get('big')) > 4);
  });
});

describe('planPlacements: what goes where', () => {
  it('puts the single most demanded title first on every site with room for it', () => {
    const top = [...catalog].sort((a, b) => national(b.spec) - national(a.spec))[0];
    assert.ok(top);
    const size = top.spec.renditions.reduce((s, r) => s + r.sizeMB, 0);
    const tiny = site({ name: 'tiny', region: 'seoul', storageGB: Math.floor(size / 1000) });
    const plan = planPlacements({ titles: catalog, sites: [...fleet, tiny] });
    for (const s of plan.sites) {
      if (s.budgetMB >= size) {
        assert.equal(s.titles[0]?.title, top.metadata.name, s.site);
      } else {
        assert.ok(!names(s).includes(top.metadata.name), `${s.site} has no room for it yet holds it`);
      }
    }
    assert.ok(plan.sites.filter((s) => s.budgetMB >= size).length >= 300);
  });

  // 20 titles everyone watches, and one only Busan watches, more than Busan watches any other.
  const everywhere = Object.fromEntries(
    ['seoul', 'busan', 'daegu', 'incheon', 'gwangju', 'jeju'].map((r) => [r, 100]),
  );
  const titles = [
    ...Array.from({ length: 20 }, (_, i) =>
      title({ name: `hit-${String(i).padStart(2, '0')}`, sizeMB: 10_000, demand: everywhere }),
    ),
    title({ name: 'busan-only', sizeMB: 10_000, demand: { busan: 500 } }),
  ];

  const cases = [
    { storageGB: 100, busan: true, seoul: false, why: 'space is short: 9 titles fit' },
    { storageGB: 500, busan: true, seoul: true, why: 'space is ample: all 21 titles fit' },
  ];
  for (const c of cases) {
    it(`a title demanded only in Busan: Busan ${c.busan}, Seoul ${c.seoul} at ${c.storageGB} GB (${c.why})`, () => {
      const sites = ['busan', 'seoul'].flatMap((region) =>
        [1, 2, 3].map((n) => site({ name: `apt-${region}-${n}`, region, storageGB: c.storageGB })),
      );
      const plan = planPlacements({ titles, sites });
      for (const s of plan.sites) {
        const expected = s.region === 'busan' ? c.busan : c.seoul;
        assert.equal(names(s).includes('busan-only'), expected, `${s.site}: ${names(s).join(' ')}`);
      }
    });
  }

  it('ranks titles without demand below demanded ones in their region, above ones demanded elsewhere', () => {
    const plan = planPlacements({
      titles: [
        title({ name: 'elsewhere', sizeMB: 1000, demand: { busan: 1 } }),
        title({ name: 'unknown', sizeMB: 1000 }),
        title({ name: 'local', sizeMB: 1000, demand: { seoul: 0.5 } }),
      ],
      sites: [site({ name: 'apt-seoul-1', region: 'seoul', storageGB: 100 })],
      policy: { headShare: 0 },
    });
    assert.deepEqual(names(plan.sites[0] as SitePlan), ['local', 'unknown', 'elsewhere']);
  });

  const prefixCases: {
    name: string;
    policy: PlacementPolicy;
    rank: (spec: PlacementTitle['spec']) => number;
  }[] = [
    { name: 'headShare 1 fills by national demand alone', policy: { headShare: 1 }, rank: national },
    {
      name: "headShare 0 fills by the site's regional demand alone",
      policy: { headShare: 0 },
      rank: (spec) =>
        (spec.demand ?? []).find((d) => d.region === 'daegu')?.weight ?? (spec.demand ? 0 : 0.01),
    },
  ];
  for (const c of prefixCases) {
    it(`${c.name}: the longest prefix of that ranking that fits`, () => {
      const sites = [100, 500, 1000, 2000].map((gb) =>
        site({ name: `s-${gb}`, region: 'daegu', storageGB: gb }),
      );
      const plan = planPlacements({ titles: catalog, sites, policy: c.policy });
      const ranked = [...catalog].sort(
        (a, b) =>
          c.rank(b.spec) - c.rank(a.spec) ||
          national(b.spec) - national(a.spec) ||
          a.metadata.name.localeCompare(b.metadata.name),
      );
      for (const s of plan.sites) {
        const expected: string[] = [];
        let used = 0;
        for (const t of ranked) {
          const size = t.spec.renditions.reduce((sum, r) => sum + r.sizeMB, 0);
          if (used + size > s.budgetMB) {
            break;
          }
          used += size;
          expected.push(t.metadata.name);
        }
        assert.deepEqual(names(s), expected, s.site);
      }
    });
  }

  it('gives a bigger storage a superset of a smaller one, region by region', () => {
    const sizes = [100, 150, 250, 500, 750, 1000, 1500, 2000];
    for (const region of ['seoul', 'busan', 'jeju']) {
      for (const kind of ['apartment-complex', 'school'] as const) {
        const sites = sizes.map((gb) => site({ name: `s-${gb}`, region, storageGB: gb, kind }));
        const plan = planPlacements({
          titles: catalog,
          sites,
          policy: { bitrateCap: { maxBitrateMbps: 8, kinds: ['school'] } },
        });
        for (let i = 1; i < plan.sites.length; i++) {
          const smaller = plan.sites[i - 1] as SitePlan;
          const bigger = new Set(names(plan.sites[i] as SitePlan));
          const dropped = names(smaller).filter((t) => !bigger.has(t));
          assert.deepEqual(
            dropped,
            [],
            `${region} ${kind}: ${sizes[i]} GB drops what ${sizes[i - 1]} GB holds`,
          );
          assert.ok(bigger.size >= smaller.titles.length);
        }
      }
    }
  });

  it('shares one list between sites with the same region, rendition class and budget', () => {
    const plan = planPlacements({ titles: catalog, sites: fleet });
    const lists = new Map<string, SitePlan['titles']>();
    for (const s of plan.sites) {
      const key = `${s.region}/${s.budgetMB}`;
      const first = lists.get(key);
      if (first) {
        assert.equal(s.titles, first, `${s.site} got its own copy`);
      } else {
        lists.set(key, s.titles);
      }
    }
    assert.equal(plan.summary.distinctLists, lists.size);
    assert.ok(lists.size < fleet.length / 4);
  });
});

describe('planPlacements: determinism', () => {
  it('gives the same plan twice, and whatever the order of titles and sites', () => {
    const plan = planPlacements({ titles: catalog, sites: fleet });
    assert.deepEqual(planPlacements({ titles: catalog, sites: fleet }), plan);
    const shuffled = planPlacements({ titles: [...catalog].reverse(), sites: [...fleet].reverse() });
    assert.deepEqual(
      shuffled.sites.map((s) => [s.site, names(s)]).reverse(),
      plan.sites.map((s) => [s.site, names(s)]),
    );
    assert.deepEqual(shuffled.summary, plan.summary);
  });

  it('plans the same from a catalog generated twice with the same seed', () => {
    const again = syntheticCatalog({ titles: 500, seed: 7 });
    assert.deepEqual(
      planPlacements({ titles: again, sites: fleet }).sites.map(names),
      planPlacements({ titles: catalog, sites: fleet }).sites.map(names),
    );
  });
});

/** The sites whose titles differ, in order or in content, the slow way. */
function bruteForce(before: PlacementPlan, after: PlacementPlan): { changed: string[]; refill: string[] } {
  const content = (s: SitePlan) =>
    JSON.stringify([...s.titles].sort((a, b) => a.title.localeCompare(b.title)));
  const old = new Map(before.sites.map((s) => [siteKey(s), s]));
  const was = (s: SitePlan) => old.get(siteKey(s)) as SitePlan;
  const changed = after.sites.filter((s) => JSON.stringify(was(s).titles) !== JSON.stringify(s.titles));
  return {
    changed: changed.map(siteKey),
    refill: changed.filter((s) => content(was(s)) !== content(s)).map(siteKey),
  };
}

describe('diffPlans', () => {
  const before = planPlacements({ titles: catalog, sites: fleet });

  it('reports nothing for a re-plan of the same input', () => {
    const diff = diffPlans(before, planPlacements({ titles: catalog, sites: fleet }));
    assert.deepEqual(diff, { changed: [], refill: [], added: [], removed: [], unchanged: 300 });
  });

  it('after moving a title’s demand from Seoul and Gyeonggi to Jeju, reports exactly the sites that changed', () => {
    // Moving weight keeps national demand (and so the national head) as it was: only Jeju's,
    // Seoul's and Gyeonggi's regional rankings move.
    const ranked = [...catalog]
      .filter((t) => t.spec.demand)
      .sort((a, b) => national(b.spec) - national(a.spec));
    const moved = ranked[60];
    assert.ok(moved?.spec.demand);
    const taken = moved.spec.demand
      .filter((d) => d.region === 'seoul' || d.region === 'gyeonggi')
      .reduce((s, d) => s + d.weight, 0);
    const demand = moved.spec.demand
      .filter((d) => d.region !== 'seoul' && d.region !== 'gyeonggi')
      .map((d) => (d.region === 'jeju' ? { ...d, weight: d.weight + taken } : d));
    const titles = catalog.map((t) => (t === moved ? { ...t, spec: { ...t.spec, demand } } : t));
    const after = planPlacements({ titles, sites: fleet });
    const diff = diffPlans(before, after);
    const expected = bruteForce(before, after);
    assert.deepEqual(diff.changed, expected.changed);
    assert.deepEqual(diff.refill, expected.refill);
    assert.ok(diff.refill.length > 0);
    const regionOf = new Map(after.sites.map((s) => [siteKey(s), s.region]));
    const regions = new Set(diff.changed.map((k) => regionOf.get(k)));
    assert.ok(regions.has('jeju'), `changed: ${diff.changed.join(' ')}`);
    assert.deepEqual(
      [...regions].filter((r) => !['jeju', 'seoul', 'gyeonggi'].includes(r ?? '')),
      [],
    );
    assert.equal(diff.unchanged, 300 - diff.changed.length);
    const jeju = after.sites.filter((s) => s.region === 'jeju');
    assert.ok(jeju.every((s) => names(s).includes(moved.metadata.name)));
  });

  it('after one site grows, reports that site alone', () => {
    const grown = fleet.map((s, i) =>
      i === 200 ? { ...s, spec: { ...s.spec, hardware: { ...s.spec.hardware, storageGB: 2000 } } } : s,
    );
    assert.ok((fleet[200]?.spec.hardware.storageGB ?? 0) < 2000);
    const diff = diffPlans(before, planPlacements({ titles: catalog, sites: grown }));
    const key = siteKey({ site: fleet[200]?.metadata.name ?? '', namespace: 'smart-fleet' });
    assert.deepEqual(diff.changed, [key]);
    assert.deepEqual(diff.refill, [key]);
  });

  it('reports sites added and removed, and a change of fill order as a change', () => {
    const a = planPlacements({
      titles: [title({ name: 'x', sizeMB: 10, demand: { seoul: 2 } }), title({ name: 'y', sizeMB: 10 })],
      sites: [
        site({ name: 'one', region: 'seoul', storageGB: 100 }),
        site({ name: 'two', region: 'seoul', storageGB: 100 }),
      ],
    });
    const b = planPlacements({
      titles: [title({ name: 'x', sizeMB: 10 }), title({ name: 'y', sizeMB: 10, demand: { seoul: 2 } })],
      sites: [
        site({ name: 'two', region: 'seoul', storageGB: 100 }),
        site({ name: 'three', region: 'seoul', storageGB: 100 }),
      ],
    });
    assert.deepEqual(names(a.sites[1] as SitePlan), ['x', 'y']);
    assert.deepEqual(names(b.sites[0] as SitePlan), ['y', 'x']);
    assert.deepEqual(diffPlans(a, b), {
      changed: ['two'],
      refill: [],
      added: ['three'],
      removed: ['one'],
      unchanged: 0,
    });
  });
});

describe('toPlacementSpec and the policy', () => {
  it('builds a ContentPlacement spec the schema accepts, whose edits cannot reach the plan', () => {
    const plan = planPlacements({ titles: catalog, sites: fleet.slice(0, 20) });
    for (const s of plan.sites) {
      const spec = toPlacementSpec(s, { start: '02:30', durationMinutes: 60 });
      assert.deepEqual(validateSpec(contentPlacementKind, spec), [], s.site);
      assert.equal(spec.site, s.site);
      assert.deepEqual(
        spec.titles.map((t) => t.title),
        names(s),
      );
      spec.titles.pop();
      assert.equal(spec.titles.length, s.titles.length - 1, 'the spec has a list of its own');
      assert.throws(() => spec.titles[0]?.renditions.push('mutated'), TypeError);
      assert.throws(() => {
        (spec.titles[0] as { sizeMB: number }).sizeMB = 0;
      }, TypeError);
    }
    assert.ok(
      plan.sites.every((s) => s.titles.every((t) => !t.renditions.includes('mutated') && t.sizeMB > 0)),
    );
  });

  it('computes budgets in MB less the headroom, without floating-point loss', () => {
    assert.equal(siteBudgetMB(1000, 0.3), 700_000);
    assert.equal(siteBudgetMB(2000, 0.1), 1_800_000);
    assert.equal(siteBudgetMB(500, 0), 500_000);
  });

  const bad: { name: string; policy: PlacementPolicy }[] = [
    { name: 'headroom of 1 (nothing left to fill)', policy: { headroomFraction: 1 } },
    { name: 'negative headroom', policy: { headroomFraction: -0.1 } },
    { name: 'headShare above 1', policy: { headShare: 1.5 } },
    { name: 'NaN headShare', policy: { headShare: Number.NaN } },
    { name: 'negative default weight', policy: { defaultRegionalWeight: -1 } },
    { name: 'a zero bitrate cap', policy: { bitrateCap: { maxBitrateMbps: 0 } } },
  ];
  for (const { name, policy } of bad) {
    it(`refuses ${name}`, () => {
      assert.throws(() => planPlacements({ titles: catalog, sites: fleet, policy }), RangeError);
    });
  }
});
