/**
 * Named hardware profiles from the paper's Table 1, so inventories can say `hardware: smp-full`
 * instead of repeating the numbers. A profile fixes the box; the site still chooses its
 * subscriber cap and egress budget within what the box can do.
 */
import type { SiteSpec } from './kinds/site.ts';

export type HardwareSpec = SiteSpec['hardware'];

export const HARDWARE_PROFILES = {
  /** The full SMP server of Table 1: 2 Xeons, 4 modules, 2 TB, 4 Gbps, 1,000 subscribers. */
  'smp-full': {
    profile: 'smp-full',
    cpus: 2,
    modules: 4,
    storageGB: 2000,
    accelerators: 4,
    configuration: 'smp',
  },
  /** Half a server: 1 Xeon, 2 modules, 1 TB: 2 Gbps and 500 subscribers. */
  'smp-half': {
    profile: 'smp-half',
    cpus: 1,
    modules: 2,
    storageGB: 1000,
    accelerators: 2,
    configuration: 'smp',
  },
  /** The entry box: 1 Xeon, 1 module, 500 GB: 1 Gbps and 250 subscribers. */
  entry: { profile: 'entry', cpus: 1, modules: 1, storageGB: 500, accelerators: 1, configuration: 'smp' },
  /** Table 1's cluster configuration at full size. */
  'cluster-full': {
    profile: 'cluster-full',
    cpus: 2,
    modules: 4,
    storageGB: 2000,
    accelerators: 4,
    configuration: 'cluster',
  },
} as const satisfies Record<string, HardwareSpec>;

export type HardwareProfileName = keyof typeof HARDWARE_PROFILES;

export function hardwareProfile(name: string): HardwareSpec | undefined {
  const profile = (HARDWARE_PROFILES as Record<string, HardwareSpec>)[name];
  return profile ? { ...profile } : undefined;
}
