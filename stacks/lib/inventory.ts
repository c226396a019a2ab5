/**
 * The inventory a stack reads: the same files, parser and rules as `npm run fleet -- apply`, so a
 * building is declared once and every program (fleet, wide-area, site) agrees on it. The path
 * comes from `smart-fleet:inventory` (a file or a folder of *.yaml), relative to the project
 * root; any problem stops the program, naming that key and each file:line:column.
 */
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readInventoryFiles } from '@smart-fleet/hub';
import {
  type FleetObject,
  formatInventoryProblem,
  type ParsedInventory,
  parseInventory,
} from '@smart-fleet/model';
import { type StackConfig, StackConfigError } from './config.ts';

/** Where `pulumi` runs the program from: the folder holding Pulumi.yaml. */
export const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const INVENTORY_KEY = 'inventory';
const SHOWN_PROBLEMS = 20;

export function readStackInventory(config: StackConfig): ParsedInventory {
  const configured = config.string(INVENTORY_KEY);
  const path = isAbsolute(configured) ? configured : resolve(PROJECT_ROOT, configured);
  let files: ReturnType<typeof readInventoryFiles>;
  try {
    files = readInventoryFiles([path]);
  } catch (error) {
    throw new StackConfigError(INVENTORY_KEY, error instanceof Error ? error.message : String(error));
  }
  const { inventory, problems } = parseInventory(files);
  if (!inventory) {
    const shown = problems.slice(0, SHOWN_PROBLEMS).map(formatInventoryProblem);
    const more = problems.length > shown.length ? [`... and ${problems.length - shown.length} more`] : [];
    throw new StackConfigError(
      INVENTORY_KEY,
      `${configured} has ${problems.length} problem(s):\n${[...shown, ...more].join('\n')}`,
    );
  }
  return inventory;
}

/** The one object of `kind` named by config `key` (e.g. the site this stack deploys). */
export function namedObject(
  inventory: ParsedInventory,
  kind: string,
  config: StackConfig,
  key: string,
): FleetObject {
  const name = config.string(key);
  const found = inventory.objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!found) {
    const known = inventory.objects.filter((o) => o.kind === kind).map((o) => o.metadata.name);
    const hint = known.length > 5 ? `${known.slice(0, 5).join(', ')}, ...` : known.join(', ');
    throw new StackConfigError(
      key,
      `no ${kind} "${name}" in the inventory (it has ${known.length}: ${hint})`,
    );
  }
  return found;
}
