/** Fields and paging every fleet object type shares. */
import { resolveArrayConnection } from '@pothos/plugin-relay';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../../view/site-index.ts';
import { builder } from '../builder.ts';

export interface Meta {
  metadata: {
    name: string;
    namespace?: string;
    creationTimestamp?: string | Date;
    resourceVersion?: string;
    labels?: Record<string, string>;
  };
}

type FieldBuilder = Parameters<Parameters<typeof builder.objectType>[1]['fields'] & object>[0];

/** name, namespace, createdAt, resourceVersion, labels: the object's Kubernetes identity. */
export function metaFields(t: FieldBuilder) {
  return {
    name: t.string({ resolve: (o) => (o as Meta).metadata.name }),
    namespace: t.string({ resolve: (o) => (o as Meta).metadata.namespace ?? '' }),
    createdAt: t.field({
      type: 'DateTime',
      nullable: true,
      resolve: (o) => (o as Meta).metadata.creationTimestamp ?? null,
    }),
    resourceVersion: t.string({
      description: 'Changes on every write; pass it back to detect concurrent edits.',
      resolve: (o) => (o as Meta).metadata.resourceVersion ?? '',
    }),
    labels: t.field({ type: 'JSON', resolve: (o) => (o as Meta).metadata.labels ?? {} }),
  };
}

export interface PageArgs {
  first?: number | null;
  after?: string | null;
  last?: number | null;
  before?: string | null;
}

/** A connection over a list already in memory (the smaller kinds), with its total. */
export function pageOf<T>(args: PageArgs, items: readonly T[]) {
  return {
    ...resolveArrayConnection({ args, defaultSize: DEFAULT_PAGE_SIZE, maxSize: MAX_PAGE_SIZE }, items as T[]),
    totalCount: items.length,
  };
}

/** Objects sorted by namespace then name: the stable order of every small list. */
export function byName<T extends Meta>(items: readonly T[]): T[] {
  return [...items].sort((a, b) =>
    `${a.metadata.namespace}/${a.metadata.name}`.localeCompare(`${b.metadata.namespace}/${b.metadata.name}`),
  );
}

builder.globalConnectionField('totalCount', (t) =>
  t.int({
    description: 'How many objects match, over all pages.',
    resolve: (parent) => parent.totalCount,
  }),
);
