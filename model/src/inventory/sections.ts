/**
 * The sections of an inventory file and the kind each declares. An entry is `name`, optional
 * `labels`, and the kind's spec fields inline; `defaults.<section>` is merged under each entry.
 */
import { LABELS } from '../common.ts';
import { HARDWARE_PROFILES, hardwareProfile } from '../hardware-profiles.ts';
import type { KindDefinition } from '../kind.ts';
import {
  rolloutKind,
  type SiteSpec,
  siteKind,
  siteReleaseKind,
  tenantKind,
  wideAreaClusterKind,
} from '../kinds/index.ts';
import { quote } from '../validation/echo.ts';
import { type Problem, problem } from '../validation/problem.ts';

export interface Section {
  /** Key in the inventory file. */
  key: string;
  kind: KindDefinition;
  /** Expands shorthands in an entry's spec; returns problems for shorthands it cannot expand. */
  expand?: (spec: Record<string, unknown>) => Problem[];
  /** Labels derived from the spec, so hub-side selectors and indexes need no spec parsing. */
  labels?: (spec: never) => Record<string, string>;
}

/** `hardware: smp-full` names a Table 1 profile; an object spells the hardware out. */
function expandSite(spec: Record<string, unknown>): Problem[] {
  if (typeof spec.hardware !== 'string') {
    return [];
  }
  const profile = hardwareProfile(spec.hardware);
  if (!profile) {
    const known = Object.keys(HARDWARE_PROFILES).join(', ');
    return [problem('spec.hardware', `unknown hardware profile ${quote(spec.hardware)} (known: ${known})`)];
  }
  spec.hardware = profile;
  return [];
}

/** The labels a site carries so selectors and indexes need no spec parsing. */
export function siteLabels(spec: SiteSpec): Record<string, string> {
  return {
    [LABELS.region]: spec.location.region,
    [LABELS.siteKind]: spec.kind,
    [LABELS.tenant]: spec.tenant,
    [LABELS.cluster]: spec.parentCluster,
    [LABELS.channel]: spec.releaseChannel,
  };
}

/** In apply order: what others refer to comes first. */
export const SECTIONS: readonly Section[] = [
  { key: 'tenants', kind: tenantKind },
  { key: 'wideAreaClusters', kind: wideAreaClusterKind },
  { key: 'sites', kind: siteKind, expand: expandSite, labels: siteLabels },
  { key: 'siteReleases', kind: siteReleaseKind },
  { key: 'rollouts', kind: rolloutKind },
];

export const SECTION_KEYS = SECTIONS.map((s) => s.key);
