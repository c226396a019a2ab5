/**
 * Which sites a rollout moves, and in which wave. Pure. Sites are ordered canary-channel first,
 * then by name, so the canary wave is made of sites that opted into early releases and the
 * assignment is the same on every reconcile and every replica.
 */
import { LABELS, type RolloutSpec, type Site } from '@smart-fleet/model';

export function selects(selector: RolloutSpec['selector'], site: Site): boolean {
  const labels = site.metadata.labels ?? {};
  const matchLabels = Object.entries(selector.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
  const inList = <T>(list: readonly T[] | undefined, value: T) =>
    !list || list.length === 0 || list.includes(value);
  return (
    matchLabels &&
    inList(selector.regions, site.spec.location.region) &&
    inList(selector.kinds, site.spec.kind) &&
    inList(selector.channels, site.spec.releaseChannel) &&
    inList(selector.tenants, site.spec.tenant)
  );
}

export interface WavePlan {
  name: string;
  /** Site names in this wave (not cumulative). */
  sites: string[];
  maxUnavailable: number;
}

const CHANNEL_ORDER: Record<string, number> = { canary: 0, beta: 1, stable: 2 };

/** The canary wave, then each wave up to its cumulative percentage of the selected sites. */
export function planWaves(spec: RolloutSpec, sites: readonly Site[]): WavePlan[] {
  const selected = sites
    // Sites being taken out of service get no new releases.
    .filter((s) => selects(spec.selector, s) && (s.spec.lifecycle ?? 'Active') === 'Active')
    .sort(
      (a, b) =>
        (CHANNEL_ORDER[a.metadata.labels?.[LABELS.channel] ?? a.spec.releaseChannel] ?? 3) -
          (CHANNEL_ORDER[b.metadata.labels?.[LABELS.channel] ?? b.spec.releaseChannel] ?? 3) ||
        a.metadata.name.localeCompare(b.metadata.name),
    )
    .map((s) => s.metadata.name);
  const canary = selected.slice(0, Math.min(spec.canarySites, selected.length));
  const waves: WavePlan[] = [{ name: 'canary', sites: canary, maxUnavailable: Math.max(1, canary.length) }];
  let taken = canary.length;
  for (const wave of spec.waves) {
    const upTo = Math.max(taken, Math.ceil((wave.percent / 100) * selected.length));
    waves.push({ name: wave.name, sites: selected.slice(taken, upTo), maxUnavailable: wave.maxUnavailable });
    taken = upTo;
  }
  return waves;
}
