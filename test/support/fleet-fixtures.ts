/** Small inventories for hub tests, built from the generator so they stay valid as the model grows. */

import { generateFleet, type InventoryDocument, type InventoryEntry } from '@smart-fleet/model';
import { dump } from 'js-yaml';

export function smallFleet(namespace: string, sites = 30): InventoryDocument {
  return generateFleet({
    apartments: Math.ceil(sites / 2),
    schools: Math.floor(sites / 2),
    namespace,
    seed: 7,
  });
}

export function toYaml(doc: InventoryDocument): string {
  return dump(doc, { lineWidth: -1, noRefs: true });
}

/** The document with one site changed by `edit` (a deep copy; the original is untouched). */
export function editSite(
  doc: InventoryDocument,
  index: number,
  edit: (site: InventoryEntry) => void,
): InventoryDocument {
  const copy = structuredClone(doc);
  const site = copy.sites?.[index];
  if (!site) {
    throw new Error(`fixture has no site ${index}`);
  }
  edit(site);
  return copy;
}
