/**
 * Operators' hand edits to one site's content plan, read from two Site annotations (written by
 * the API's placeContent / unplaceContent): titles pinned there (always held, first in fill
 * order) and titles excluded from it (never held; exclusion beats a pin). Pure: the controller
 * applies it to each site's plan after planPlacements and before writing the ContentPlacement.
 *
 * Pins still respect the site's storage: to make room, planned titles go from the end of the
 * list (the lowest priority), as a smaller site would lose them. Space freed by an exclusion
 * is not back-filled: the plan's list is a prefix of the planner's order and the titles after
 * it are not known here, and an operator removing one title does not expect another to arrive.
 */
import { ANNOTATIONS } from '@smart-fleet/model';
import {
  type PlacedTitle,
  type PlacementPolicy,
  type PlacementSite,
  type PlacementTitle,
  planPlacements,
  type SitePlan,
} from './planner.ts';

export interface Overrides {
  /** In the order the operator asked for them: their fill order, and who wins when room runs out. */
  pinned: readonly string[];
  excluded: readonly string[];
}

export interface OverriddenPlan {
  plan: SitePlan;
  /**
   * Pinned (and not excluded) titles left out: too big even with every unpinned title dropped,
   * or with no rendition the site's bitrate cap allows.
   */
  unplaced: string[];
}

/** A comma-separated annotation's names: trimmed, blanks and repeats dropped, order kept. */
function namesIn(value: string | undefined): string[] {
  const names = (value ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
  return [...new Set(names)];
}

/** The pins and exclusions a Site's annotations ask for (none when absent). */
export function overridesOf(annotations?: Readonly<Record<string, string>>): {
  pinned: string[];
  excluded: string[];
} {
  return {
    pinned: namesIn(annotations?.[ANNOTATIONS.pinnedTitles]),
    excluded: namesIn(annotations?.[ANNOTATIONS.excludedTitles]),
  };
}

/**
 * The title as the planner places it on this site: the renditions the policy's bitrate cap
 * leaves it. Planning the site with this one title reuses the planner's own rules rather than
 * copying them; undefined when no rendition is allowed or the title exceeds the whole budget.
 */
function placedAlone(
  title: PlacementTitle,
  site: PlacementSite,
  policy: PlacementPolicy | undefined,
): PlacedTitle | undefined {
  return planPlacements({ titles: [title], sites: [site], policy }).sites[0]?.titles[0];
}

const totalMB = (titles: readonly PlacedTitle[]) => titles.reduce((sum, t) => sum + t.sizeMB, 0);

interface Pin {
  name: string;
  /** Undefined when the site cannot hold it at all. */
  placed: PlacedTitle | undefined;
}

/** Pins in order, each while it fits beside the ones before it; the rest are unplaced. */
function fitPins(pins: readonly Pin[], budgetMB: number): { kept: PlacedTitle[]; unplaced: string[] } {
  const kept: PlacedTitle[] = [];
  const unplaced: string[] = [];
  let usedMB = 0;
  for (const { name, placed } of pins) {
    if (placed && usedMB + placed.sizeMB <= budgetMB) {
      kept.push(placed);
      usedMB += placed.sizeMB;
    } else {
      unplaced.push(name);
    }
  }
  return { kept, unplaced };
}

/** The longest prefix within budgetMB: the list with titles dropped from its end until it fits. */
function prefixWithin(titles: readonly PlacedTitle[], budgetMB: number): PlacedTitle[] {
  const kept: PlacedTitle[] = [];
  let usedMB = 0;
  for (const t of titles) {
    if (usedMB + t.sizeMB > budgetMB) {
      break;
    }
    kept.push(t);
    usedMB += t.sizeMB;
  }
  return kept;
}

/**
 * The site's plan with its overrides applied; a new plan object, the input (whose title list
 * other sites share) untouched. `titles` is the namespace's library by name: pins naming no
 * title there are ignored, as are exclusions of titles the plan does not hold.
 * `site` and `policy` must be the ones the plan was made with: a pin the plan did not place
 * gets the renditions the planner would have given it on that site.
 */
export function applyOverrides(
  plan: SitePlan,
  overrides: Overrides,
  titles: ReadonlyMap<string, PlacementTitle>,
  site: PlacementSite,
  policy?: PlacementPolicy,
): OverriddenPlan {
  const excluded = new Set(overrides.excluded);
  const planned = new Map(plan.titles.map((t) => [t.title, t]));
  const pins: Pin[] = [];
  for (const name of new Set(overrides.pinned)) {
    const title = titles.get(name);
    if (!excluded.has(name) && (planned.has(name) || title)) {
      pins.push({ name, placed: planned.get(name) ?? (title && placedAlone(title, site, policy)) });
    }
  }
  if (pins.length === 0 && !plan.titles.some((t) => excluded.has(t.title))) {
    return { plan, unplaced: [] }; // nothing to change: keep sharing the planner's list
  }
  const { kept, unplaced } = fitPins(pins, plan.budgetMB);
  const pinned = new Set(pins.map((p) => p.name));
  const rest = plan.titles.filter((t) => !pinned.has(t.title) && !excluded.has(t.title));
  const final = [...kept, ...prefixWithin(rest, plan.budgetMB - totalMB(kept))];
  return { plan: { ...plan, titles: Object.freeze(final), plannedMB: totalMB(final) }, unplaced };
}
