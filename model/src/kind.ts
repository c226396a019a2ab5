/** What the model knows about each kind: enough to generate its CRD and to build objects. */
import { GROUP_VERSION, type ObjectMeta } from './common.ts';
import type { TObject } from './schema.ts';

export interface PrinterColumn {
  name: string;
  type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  jsonPath: string;
  description?: string;
  priority?: number;
}

export interface KindDefinition {
  kind: string;
  plural: string;
  singular: string;
  shortNames: string[];
  scope: 'Namespaced' | 'Cluster';
  description: string;
  spec: TObject;
  status: TObject;
  printerColumns: PrinterColumn[];
}

export function defineKind<const K extends KindDefinition>(definition: K): K {
  return definition;
}

/** Builds an object of a kind; the spec is typed by the caller's kind. */
export function makeObject<Spec>(kind: KindDefinition, metadata: ObjectMeta, spec: Spec) {
  return { apiVersion: GROUP_VERSION, kind: kind.kind, metadata, spec };
}

export const AGE_COLUMN: PrinterColumn = {
  name: 'Age',
  type: 'date',
  jsonPath: '.metadata.creationTimestamp',
};
