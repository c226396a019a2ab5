/**
 * The Pulumi program of the `smart-fleet` project (`../Pulumi.yaml`). One project, four
 * programs: a stack picks its program with `smart-fleet:program` (hub, wide-area, site or
 * fleet), and its other settings in `config/Pulumi.<stack>.yaml`. Each program only reads
 * config and calls components; the components hold the logic.
 */
import { StackConfig } from './lib/config.ts';

export type StackOutputs = Record<string, unknown>;

const PROGRAMS = {
  hub: async () => (await import('./hub/program.ts')).hubProgram(),
  'wide-area': async () => (await import('./wide-area/program.ts')).wideAreaProgram(),
  site: async () => (await import('./site/program.ts')).siteProgram(),
  fleet: async () => (await import('./fleet/program.ts')).fleetProgram(),
} as const satisfies Record<string, () => Promise<StackOutputs>>;

export const PROGRAM_NAMES = Object.keys(PROGRAMS) as (keyof typeof PROGRAMS)[];

/** Pulumi runs the default export; what it returns becomes the stack's outputs. */
export default async function main(): Promise<StackOutputs> {
  const name = new StackConfig().oneOf('program', PROGRAM_NAMES);
  return PROGRAMS[name]();
}
