/** The generated CRD files: where they live and what they should contain. */
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { buildCrd, type CustomResourceDefinition } from './crd.ts';
import { ALL_KINDS } from './kinds/index.ts';

export const GENERATED_CRD_DIR = fileURLToPath(new URL('../generated/crds/', import.meta.url));

export function allCrds(): CustomResourceDefinition[] {
  return ALL_KINDS.map((kind) => buildCrd(kind));
}

/** File name -> YAML text, exactly as `npm run generate` writes them. */
export function renderCrdFiles(): Map<string, string> {
  const header = '# Generated from model/src/kinds by `npm run generate`. Do not edit.\n';
  return new Map(
    allCrds().map((crd) => [`${crd.metadata.name}.yaml`, header + stringify(crd, { lineWidth: 0 })]),
  );
}
