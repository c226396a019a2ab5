/**
 * The hierarchical content-distribution planner, pure: from the content library and the
 * fleet, which titles (and which of their renditions) each local server pre-positions from
 * its wide-area cluster. The product rule: "the most demanded titles everywhere, the long tail
 * by regional demand, always within the site's storage".
 *
 * How:
 *   1. Demand. A title's regional weight is its `demand` entry for the region (0 if absent);
 *      a title with no demand at all gets `defaultRegionalWeight` everywhere, so new titles
 *      still rank, after titles with real demand in the region. National demand is the sum over regions.
 *   2. Two rankings: national (the head) and, per region, by that region's weight (the tail;
 *      ties fall back to national demand, then name, so every order is total and stable).
 *   3. One merged order per (region, rendition class): take from the national ranking while
 *      its bytes are at most `headShare` of what is taken so far, otherwise from the regional
 *      ranking, skipping titles already taken. The order does not depend on the budget.
 *   4. A site keeps the longest prefix of its merged order that fits its budget (storage minus
 *      `headroomFraction`). Stopping at the first title that does not fit, rather than
 *      squeezing smaller ones in behind it, wastes at most one title of space but means a
 *      bigger budget always holds a superset: a site that grows never drops a title, and
 *      nothing churns on the wide-area link for it.
 * The merged orders are built once per (region, class) and the prefixes once per (region,
 * class, budget); the national fleet has only a few dozen such keys, so sites share lists and
 * 5,000 titles over 21,000 sites plan in well under a second.
 */
import type { ContentPlacementSpec, ContentTitleSpec, SiteSpec } from '@smart-fleet/model';
import { REGION_CODES } from '@smart-fleet/model';
import type { FillWindow } from './fill-window.ts';

export type PlacedTitle = ContentPlacementSpec['titles'][number];
type Rendition = ContentTitleSpec['renditions'][number];
type SiteKind = SiteSpec['kind'];

/** What the planner reads of a ContentTitle; a whole ContentTitle resource fits. */
export interface PlacementTitle {
  metadata: { name: string };
  spec: Pick<ContentTitleSpec, 'renditions' | 'demand'>;
}

/** What the planner reads of a Site; a whole Site resource fits. */
export interface PlacementSite {
  metadata: { name: string; namespace?: string };
  spec: {
    kind: SiteKind;
    location: { region: string };
    hardware: { storageGB: number };
  };
}

/**
 * Sites this applies to keep only renditions at or below `maxBitrateMbps`: a school's
 * classrooms or a small box do not need the HDTV copy, and it is the biggest. A title with no
 * rendition under the cap is not pre-positioned there (it streams from the wide-area cluster).
 * Applies to sites of `kinds`, and to sites with at most `maxStorageGB`; with neither, to all.
 */
export interface BitrateCap {
  maxBitrateMbps: number;
  kinds?: readonly SiteKind[];
  maxStorageGB?: number;
}

export interface PlacementPolicy {
  /** Share of storage kept free for what streams through uncached and for fill in flight. */
  headroomFraction?: number;
  /** Share of each site's planned bytes taken from the national head; the rest is regional. */
  headShare?: number;
  /** Weight per region of a title that has no demand figures at all. */
  defaultRegionalWeight?: number;
  /** Without one, every site keeps every rendition. */
  bitrateCap?: BitrateCap;
}

export const DEFAULT_PLACEMENT_POLICY = {
  headroomFraction: 0.1,
  headShare: 0.5,
  defaultRegionalWeight: 0.01,
} as const;

export interface SitePlan {
  site: string;
  namespace?: string;
  region: string;
  kind: SiteKind;
  /** Storage the plan may fill: storageGB x 1000 (MB, as rendition sizes are) minus headroom. */
  budgetMB: number;
  plannedMB: number;
  /** In fill-priority order. Shared between sites with the same list, so frozen. */
  titles: readonly PlacedTitle[];
}

export interface PlacementSummary {
  sites: number;
  titles: number;
  /** Title copies over all sites. */
  titlesPlaced: number;
  /** Titles no site pre-positions (they stream from the wide-area clusters only). */
  titlesOnNoSite: number;
  plannedMB: number;
  budgetMB: number;
  /** Distinct per-site lists computed; sites beyond this reused one. */
  distinctLists: number;
}

export interface PlacementPlan {
  sites: SitePlan[];
  summary: PlacementSummary;
}

export interface PlanInput {
  titles: readonly PlacementTitle[];
  sites: readonly PlacementSite[];
  policy?: PlacementPolicy;
}

interface ResolvedPolicy {
  headroomFraction: number;
  headShare: number;
  defaultRegionalWeight: number;
  bitrateCap?: BitrateCap;
}

/** Rendition classes: every rendition, or only those under the policy's bitrate cap. */
type RenditionClass = 'all' | 'capped';

interface TitleRow {
  name: string;
  national: number;
  /** Explicit regional weights; undefined when the title falls back to the default. */
  weights?: Map<string, number>;
  renditions: readonly Rendition[];
}

interface MergedOrder {
  titles: PlacedTitle[];
  /** cumulativeMB[k]: size of the first k titles; one longer than titles. */
  cumulativeMB: number[];
}

interface SiteList {
  titles: readonly PlacedTitle[];
  plannedMB: number;
}

function inUnitRange(value: number, what: string, closed: boolean): number {
  if (!(value >= 0 && (closed ? value <= 1 : value < 1))) {
    throw new RangeError(`placement policy: ${what} must be in [0, 1${closed ? ']' : ')'}, not ${value}`);
  }
  return value;
}

function resolvePolicy(policy: PlacementPolicy = {}): ResolvedPolicy {
  const d = DEFAULT_PLACEMENT_POLICY;
  const weight = policy.defaultRegionalWeight ?? d.defaultRegionalWeight;
  if (!(weight >= 0)) {
    throw new RangeError(`placement policy: defaultRegionalWeight must be >= 0, not ${weight}`);
  }
  const cap = policy.bitrateCap;
  if (cap && !(cap.maxBitrateMbps > 0)) {
    throw new RangeError(
      `placement policy: bitrateCap.maxBitrateMbps must be > 0, not ${cap.maxBitrateMbps}`,
    );
  }
  return {
    headroomFraction: inUnitRange(policy.headroomFraction ?? d.headroomFraction, 'headroomFraction', false),
    headShare: inUnitRange(policy.headShare ?? d.headShare, 'headShare', true),
    defaultRegionalWeight: weight,
    ...(cap ? { bitrateCap: cap } : {}),
  };
}

function titleRow(title: PlacementTitle, defaultWeight: number): TitleRow {
  const demand = title.spec.demand;
  const base = { name: title.metadata.name, renditions: title.spec.renditions };
  if (!demand || demand.length === 0) {
    return { ...base, national: defaultWeight * REGION_CODES.length };
  }
  const weights = new Map<string, number>();
  let national = 0;
  for (const d of demand) {
    // A region listed twice counts twice rather than last-one-wins: nothing is dropped silently.
    weights.set(d.region, (weights.get(d.region) ?? 0) + d.weight);
    national += d.weight;
  }
  return { ...base, national, weights };
}

function regionalWeight(row: TitleRow, region: string, defaultWeight: number): number {
  return row.weights ? (row.weights.get(region) ?? 0) : defaultWeight;
}

/** Title indices, highest key first; ties by national demand, then name, so the order is total. */
function rankBy(rows: readonly TitleRow[], key: Float64Array): number[] {
  const order = rows.map((_, i) => i);
  order.sort((a, b) => {
    const ra = rows[a] as TitleRow;
    const rb = rows[b] as TitleRow;
    return (
      (key[b] as number) - (key[a] as number) ||
      rb.national - ra.national ||
      (ra.name < rb.name ? -1 : ra.name > rb.name ? 1 : a - b)
    );
  });
  return order;
}

/** storageGB x 1000 (MB, as rendition sizes are) less the headroom, rounded down. */
export function siteBudgetMB(storageGB: number, headroomFraction: number): number {
  // The epsilon keeps 1000 GB x 0.7 at 700000, not 699999.99999 floored to 699999.
  return Math.max(0, Math.floor(storageGB * 1000 * (1 - headroomFraction) + 1e-6));
}

function classOf(site: PlacementSite, cap: BitrateCap | undefined): RenditionClass {
  if (!cap) {
    return 'all';
  }
  const byKind = cap.kinds?.includes(site.spec.kind) ?? false;
  const bySize = cap.maxStorageGB !== undefined && site.spec.hardware.storageGB <= cap.maxStorageGB;
  const unconditional = cap.kinds === undefined && cap.maxStorageGB === undefined;
  return byKind || bySize || unconditional ? 'capped' : 'all';
}

/** Frozen: one object stands for the title on every site that holds it. */
function placedTitle(row: TitleRow, maxBitrateMbps: number): PlacedTitle | undefined {
  const kept = row.renditions.filter((r) => r.bitrateMbps <= maxBitrateMbps);
  if (kept.length === 0) {
    return undefined;
  }
  return Object.freeze({
    title: row.name,
    renditions: Object.freeze(kept.map((r) => r.name)) as string[],
    sizeMB: kept.reduce((sum, r) => sum + r.sizeMB, 0),
  });
}

/** Skips titles already taken, or with nothing to place in this class. */
function nextFree(
  ranking: readonly number[],
  from: number,
  taken: Uint8Array,
  placed: readonly (PlacedTitle | undefined)[],
): number {
  let at = from;
  while (at < ranking.length && (taken[ranking[at] as number] || !placed[ranking[at] as number])) {
    at++;
  }
  return at;
}

interface MergeInput {
  national: readonly number[];
  regional: readonly number[];
  placed: readonly (PlacedTitle | undefined)[];
  headShare: number;
}

/** Step 3 of the header: the national head and the regional tail, interleaved by bytes. */
function mergeOrder({ national, regional, placed, headShare }: MergeInput): MergedOrder {
  const taken = new Uint8Array(placed.length);
  const head = { at: 0, bytes: 0 };
  const tail = { at: 0, bytes: 0 };
  const titles: PlacedTitle[] = [];
  const cumulativeMB = [0];
  for (;;) {
    head.at = nextFree(national, head.at, taken, placed);
    tail.at = nextFree(regional, tail.at, taken, placed);
    const headLeft = head.at < national.length;
    const tailLeft = tail.at < regional.length;
    if (!headLeft && !tailLeft) {
      return { titles, cumulativeMB };
    }
    // Head while its share of the bytes taken is within headShare (first pick included).
    const fromHead =
      headLeft && (!tailLeft || (headShare > 0 && head.bytes * (1 - headShare) <= tail.bytes * headShare));
    const cursor = fromHead ? head : tail;
    const index = (fromHead ? national[head.at] : regional[tail.at]) as number;
    const title = placed[index] as PlacedTitle;
    taken[index] = 1;
    cursor.bytes += title.sizeMB;
    cursor.at++;
    titles.push(title);
    cumulativeMB.push((cumulativeMB.at(-1) as number) + title.sizeMB);
  }
}

/** Longest prefix whose size fits: the largest k with cumulativeMB[k] <= budget (binary search). */
function prefixFitting(cumulativeMB: readonly number[], budgetMB: number): number {
  let lo = 0;
  let hi = cumulativeMB.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((cumulativeMB[mid] as number) <= budgetMB) {
      lo = mid;
    } else {
      hi = mid - 1;
    }
  }
  return lo;
}

/** The rankings and per-class title choices, each computed on first use and then shared. */
class PlanContext {
  readonly policy: ResolvedPolicy;
  readonly rows: TitleRow[];
  private nationalRanking?: number[];
  private readonly regionalRankings = new Map<string, number[]>();
  private readonly placedByClass = new Map<RenditionClass, (PlacedTitle | undefined)[]>();
  private readonly orders = new Map<string, MergedOrder>();
  readonly lists = new Map<string, SiteList>();

  constructor(titles: readonly PlacementTitle[], policy: ResolvedPolicy) {
    this.policy = policy;
    this.rows = titles.map((t) => titleRow(t, policy.defaultRegionalWeight));
  }

  private national(): number[] {
    this.nationalRanking ??= rankBy(
      this.rows,
      Float64Array.from(this.rows, (r) => r.national),
    );
    return this.nationalRanking;
  }

  private regional(region: string): number[] {
    let ranking = this.regionalRankings.get(region);
    if (!ranking) {
      const w = this.policy.defaultRegionalWeight;
      ranking = rankBy(
        this.rows,
        Float64Array.from(this.rows, (r) => regionalWeight(r, region, w)),
      );
      this.regionalRankings.set(region, ranking);
    }
    return ranking;
  }

  private placed(cls: RenditionClass): (PlacedTitle | undefined)[] {
    let placed = this.placedByClass.get(cls);
    if (!placed) {
      const max = cls === 'capped' ? (this.policy.bitrateCap?.maxBitrateMbps ?? 0) : Number.POSITIVE_INFINITY;
      placed = this.rows.map((row) => placedTitle(row, max));
      this.placedByClass.set(cls, placed);
    }
    return placed;
  }

  private order(region: string, cls: RenditionClass): MergedOrder {
    const key = `${region}\u0000${cls}`;
    let order = this.orders.get(key);
    if (!order) {
      order = mergeOrder({
        national: this.national(),
        regional: this.regional(region),
        placed: this.placed(cls),
        headShare: this.policy.headShare,
      });
      this.orders.set(key, order);
    }
    return order;
  }

  list(region: string, cls: RenditionClass, budgetMB: number): SiteList {
    const key = `${region}\u0000${cls}\u0000${budgetMB}`;
    let list = this.lists.get(key);
    if (!list) {
      const order = this.order(region, cls);
      const k = prefixFitting(order.cumulativeMB, budgetMB);
      list = { titles: Object.freeze(order.titles.slice(0, k)), plannedMB: order.cumulativeMB[k] as number };
      this.lists.set(key, list);
    }
    return list;
  }
}

function sitePlan(site: PlacementSite, ctx: PlanContext): SitePlan {
  const region = site.spec.location.region;
  const budgetMB = siteBudgetMB(site.spec.hardware.storageGB, ctx.policy.headroomFraction);
  const list = ctx.list(region, classOf(site, ctx.policy.bitrateCap), budgetMB);
  return {
    site: site.metadata.name,
    ...(site.metadata.namespace ? { namespace: site.metadata.namespace } : {}),
    region,
    kind: site.spec.kind,
    budgetMB,
    plannedMB: list.plannedMB,
    titles: list.titles,
  };
}

function summarise(sites: readonly SitePlan[], ctx: PlanContext): PlacementSummary {
  const onSomeSite = new Set<string>();
  for (const list of ctx.lists.values()) {
    for (const t of list.titles) {
      onSomeSite.add(t.title);
    }
  }
  let titlesPlaced = 0;
  let plannedMB = 0;
  let budgetMB = 0;
  for (const s of sites) {
    titlesPlaced += s.titles.length;
    plannedMB += s.plannedMB;
    budgetMB += s.budgetMB;
  }
  return {
    sites: sites.length,
    titles: ctx.rows.length,
    titlesPlaced,
    titlesOnNoSite: new Set(ctx.rows.map((r) => r.name)).size - onSomeSite.size,
    plannedMB,
    budgetMB,
    distinctLists: ctx.lists.size,
  };
}

/** Plans every site; the same input always gives the same plan, whatever the input order. */
export function planPlacements(input: PlanInput): PlacementPlan {
  const ctx = new PlanContext(input.titles, resolvePolicy(input.policy));
  const sites = input.sites.map((site) => sitePlan(site, ctx));
  return { sites, summary: summarise(sites, ctx) };
}

/** `namespace/name`, or the name alone for a site without a namespace: how plans key sites. */
export function siteKey(plan: Pick<SitePlan, 'site' | 'namespace'>): string {
  return plan.namespace ? `${plan.namespace}/${plan.site}` : plan.site;
}

export interface PlanDiff {
  /** Sites in both plans whose title list differs, order included: their ContentPlacement needs writing. */
  changed: string[];
  /**
   * The changed sites whose content differs (a title or rendition in or out), not only the fill
   * order: the ones that pull from, or free space for, the wide-area cluster.
   */
  refill: string[];
  /** Sites only the new plan has. */
  added: string[];
  /** Sites only the old plan has: their ContentPlacement can go. */
  removed: string[];
  unchanged: number;
}

const placedKey = (t: PlacedTitle) => `${t.title}\u0000${t.renditions.join('\u0000')}`;

function sameOrder(a: readonly PlacedTitle[], b: readonly PlacedTitle[]): boolean {
  return (
    a.length === b.length &&
    a.every((t, i) => {
      const u = b[i] as PlacedTitle;
      return t === u || (placedKey(t) === placedKey(u) && t.sizeMB === u.sizeMB);
    })
  );
}

function sameContent(a: readonly PlacedTitle[], b: readonly PlacedTitle[]): boolean {
  const keys = new Set(a.map(placedKey));
  return a.length === b.length && b.every((t) => keys.has(placedKey(t)));
}

type ListPair = { order: boolean; content: boolean };

/** Compares each pair of title lists once: sites share lists, so 21,000 sites are a few dozen pairs. */
function listComparer(): (a: readonly PlacedTitle[], b: readonly PlacedTitle[]) => ListPair {
  const cache = new Map<readonly PlacedTitle[], Map<readonly PlacedTitle[], ListPair>>();
  return (a, b) => {
    let row = cache.get(a);
    if (!row) {
      row = new Map();
      cache.set(a, row);
    }
    let result = row.get(b);
    if (!result) {
      const order = a === b || sameOrder(a, b);
      result = { order, content: order || sameContent(a, b) };
      row.set(b, result);
    }
    return result;
  };
}

/**
 * Which sites a re-plan (after demand or capacity changed) touches, keyed as siteKey() does,
 * in the new plan's order (removed ones in the old plan's).
 */
export function diffPlans(before: PlacementPlan, after: PlacementPlan): PlanDiff {
  const old = new Map(before.sites.map((s) => [siteKey(s), s]));
  const compare = listComparer();
  const diff: PlanDiff = { changed: [], refill: [], added: [], removed: [], unchanged: 0 };
  for (const s of after.sites) {
    const key = siteKey(s);
    const was = old.get(key);
    old.delete(key);
    if (!was) {
      diff.added.push(key);
      continue;
    }
    const same = compare(was.titles, s.titles);
    if (same.order) {
      diff.unchanged++;
      continue;
    }
    diff.changed.push(key);
    if (!same.content) {
      diff.refill.push(key);
    }
  }
  diff.removed = [...old.keys()];
  return diff;
}

/**
 * The ContentPlacement spec for one site's plan. The title list is the spec's own; its entries
 * are the plan's frozen, shared ones (copying 2 million of them for the national fleet cost
 * seconds), so editing an entry in place throws rather than changing other sites' plans.
 */
export function toPlacementSpec(plan: SitePlan, fillWindow: FillWindow): ContentPlacementSpec {
  return { site: plan.site, titles: [...plan.titles], fillWindow: { ...fillWindow } };
}
