/** The inventory file format (see docs/inventory.md). */
export const INVENTORY_API_VERSION = 'smartfleet.io/v1alpha1';
export const INVENTORY_KIND = 'Inventory';
/** Field manager and managed-by label for what an inventory applies. */
export const INVENTORY_MANAGER = 'smart-fleet-inventory';

export interface InventoryEntry {
  name: string;
  labels?: Record<string, string>;
  [field: string]: unknown;
}

export interface InventoryDocument {
  apiVersion: typeof INVENTORY_API_VERSION;
  kind: typeof INVENTORY_KIND;
  namespace?: string;
  defaults?: Record<string, Record<string, unknown>>;
  tenants?: InventoryEntry[];
  wideAreaClusters?: InventoryEntry[];
  sites?: InventoryEntry[];
  siteReleases?: InventoryEntry[];
  rollouts?: InventoryEntry[];
}

/** One object an inventory declares, ready for the hub. */
export interface FleetObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace: string; labels: Record<string, string> };
  spec: Record<string, unknown>;
}

/** A problem in an inventory, located in its file. */
export interface InventoryProblem {
  file: string;
  line: number;
  column: number;
  /** Where in the document, e.g. `sites[3].location.region`. */
  path: string;
  /** The object it concerns, e.g. `Site apt-seoul-00004`, when there is one. */
  object?: string;
  message: string;
}

export function formatInventoryProblem(p: InventoryProblem): string {
  const where = p.object ? `${p.path} (${p.object})` : p.path;
  return `${p.file}:${p.line}:${p.column}: ${where}: ${p.message}`;
}

export class InventoryError extends Error {
  readonly problems: readonly InventoryProblem[];
  constructor(problems: readonly InventoryProblem[]) {
    const shown = problems.slice(0, 50).map(formatInventoryProblem);
    const more = problems.length > shown.length ? [`... and ${problems.length - shown.length} more`] : [];
    super(
      `inventory has ${problems.length} problem${problems.length === 1 ? '' : 's'}; nothing was applied:\n${[...shown, ...more].join('\n')}`,
    );
    this.name = 'InventoryError';
    this.problems = problems;
  }
}
