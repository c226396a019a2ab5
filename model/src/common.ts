/** Shapes every kind shares: conditions, object metadata, the resource envelope. */
import type { TProperties } from '@sinclair/typebox';
import { type Static, Strict, StringEnum, Timestamp, Type } from './schema.ts';

export const API_GROUP = 'smartfleet.io';
export const API_VERSION = 'v1alpha1';
export const GROUP_VERSION = `${API_GROUP}/${API_VERSION}`;
/** `kubectl get smart` lists every fleet kind. */
export const CATEGORY = 'smart';
/** Where the fleet lives in a hub unless an inventory says otherwise. */
export const DEFAULT_NAMESPACE = 'smart-fleet';

/** Label keys the fleet puts on objects, so selectors and indexes need no spec parsing. */
export const LABELS = {
  region: `${API_GROUP}/region`,
  siteKind: `${API_GROUP}/site-kind`,
  tenant: `${API_GROUP}/tenant`,
  cluster: `${API_GROUP}/wide-area-cluster`,
  channel: `${API_GROUP}/release-channel`,
  managedBy: 'app.kubernetes.io/managed-by',
} as const;

/** Annotation keys: operator requests and acknowledgements that are not part of a spec. */
export const ANNOTATIONS = {
  /** On a Site: titles an operator placed there by hand (comma-separated), kept whatever the plan says. */
  pinnedTitles: `${API_GROUP}/pinned-titles`,
  /** On a Site: titles an operator removed from it (comma-separated), never placed there. */
  excludedTitles: `${API_GROUP}/excluded-titles`,
  /** On a Site, Rollout or WideAreaCluster: which of its alerts were acknowledged, by whom, when (JSON). */
  acknowledgedAlerts: `${API_GROUP}/acknowledged-alerts`,
} as const;

export const Condition = Strict({
  type: Type.String({
    minLength: 1,
    maxLength: 316,
    description: 'Condition type, CamelCase (Ready, Admitted, ...).',
  }),
  status: StringEnum(['True', 'False', 'Unknown'] as const),
  reason: Type.String({ maxLength: 1024, pattern: '^([A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?)?$' }),
  message: Type.String({ maxLength: 32768 }),
  lastTransitionTime: Timestamp('When the status last changed.'),
  observedGeneration: Type.Optional(Type.Integer({ minimum: 0 })),
});
export type Condition = Static<typeof Condition>;

export const Conditions = Type.Array(Condition, {
  maxItems: 32,
  description: 'Latest observations of the object, one per type.',
  'x-kubernetes-list-type': 'map',
  'x-kubernetes-list-map-keys': ['type'],
});

/**
 * A kind's status: what every controller reports (the generation it acted on, its conditions)
 * plus the kind's own fields.
 */
export function StatusOf<T extends TProperties>(properties: T) {
  return Strict({
    observedGeneration: Type.Optional(Type.Integer({ minimum: 0 })),
    conditions: Type.Optional(Conditions),
    ...properties,
  });
}

/** The parts of Kubernetes ObjectMeta the model reads and writes. */
export interface ObjectMeta {
  name: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  generation?: number;
  resourceVersion?: string;
  uid?: string;
  creationTimestamp?: string | Date;
  deletionTimestamp?: string | Date;
  finalizers?: string[];
}

export interface Resource<K extends string, Spec, Status> {
  apiVersion: typeof GROUP_VERSION;
  kind: K;
  metadata: ObjectMeta;
  spec: Spec;
  status?: Status;
}
