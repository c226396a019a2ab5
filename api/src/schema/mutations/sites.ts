/**
 * Site mutations. Register and update validate the whole spec with the shared rules (egress
 * budget, hardware limits, the cluster serving the region, the tenant existing) before writing;
 * drain and decommission set the lifecycle the site-admission operator acts on; place and
 * unplace pin or exclude a title on one site, which the content-placement operator honours.
 */
import { ANNOTATIONS, type Site, SiteSpec, siteLabels } from '@smart-fleet/model';
import { Conflict, NotFound } from '../../writes/write-errors.ts';
import { builder } from '../builder.ts';
import { modelInputType, withoutNulls } from '../model-types.ts';
import { SiteRef } from '../refs.ts';
import { MUTATION_ERRORS } from '../types/errors.ts';
import { OPERATOR, RESPONDER } from '../types/scopes.ts';

const SiteSpecInput = modelInputType(SiteSpec, 'SiteSpecInput');
const labels = { labels: (spec: never) => siteLabels(spec) };

const lifecycle =
  (to: 'Draining' | 'Decommissioned') =>
  (spec: Record<string, unknown>, current: { spec: Record<string, unknown> }) => {
    if (current.spec.lifecycle === 'Decommissioned') {
      throw new Conflict('the site is decommissioned; register it again to bring it back');
    }
    return { ...spec, lifecycle: to };
  };

const list = (value: string | undefined) =>
  (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');

/** The annotations after pinning (place) or excluding (unplace) `title`. */
export function placementAnnotations(annotations: Record<string, string>, title: string, place: boolean) {
  const pinned = new Set(list(annotations[ANNOTATIONS.pinnedTitles]));
  const excluded = new Set(list(annotations[ANNOTATIONS.excludedTitles]));
  (place ? pinned : excluded).add(title);
  (place ? excluded : pinned).delete(title);
  const joined = (s: Set<string>) => (s.size > 0 ? [...s].join(',') : null);
  return { [ANNOTATIONS.pinnedTitles]: joined(pinned), [ANNOTATIONS.excludedTitles]: joined(excluded) };
}

builder.mutationFields((t) => {
  const siteArgs = { namespace: t.arg.string({ required: true }), name: t.arg.string({ required: true }) };
  const setPlacement = (place: boolean) =>
    t.field({
      type: SiteRef,
      authScopes: OPERATOR,
      errors: { types: MUTATION_ERRORS },
      description: place
        ? 'Pins a title on a site: it is pre-positioned there whatever the plan says (space permitting).'
        : 'Keeps a title off a site whatever the plan says.',
      args: { ...siteArgs, title: t.arg.string({ required: true }) },
      resolve: async (_root, args, context) => {
        if (!context.view.get('ContentTitle', args.namespace, args.title)) {
          throw new NotFound('ContentTitle', `${args.namespace}/${args.title}`);
        }
        return context.writes.annotate<Site>('Site', args.namespace, args.name, (annotations, current) => {
          if (place && (current.spec.lifecycle ?? 'Active') !== 'Active') {
            throw new Conflict(`the site is ${String(current.spec.lifecycle)}; it takes no new content`);
          }
          return placementAnnotations(annotations, args.title, place);
        });
      },
    });
  return {
    registerSite: t.field({
      type: SiteRef,
      authScopes: OPERATOR,
      errors: { types: MUTATION_ERRORS },
      description: 'Adds a site to the fleet; the operators admit it and issue its bootstrap credential.',
      args: { ...siteArgs, spec: t.arg({ type: SiteSpecInput, required: true }) },
      resolve: (_root, args, context) =>
        context.writes.create<Site>('Site', args.namespace, args.name, withoutNulls(args.spec), labels),
    }),
    updateSite: t.field({
      type: SiteRef,
      authScopes: OPERATOR,
      errors: { types: MUTATION_ERRORS },
      description: "Replaces a site's spec (its lifecycle is kept: use drainSite or decommissionSite).",
      args: {
        ...siteArgs,
        spec: t.arg({ type: SiteSpecInput, required: true }),
        resourceVersion: t.arg.string({
          required: false,
          description:
            'The version the change was made from; refused with ConflictError if the site changed since.',
        }),
      },
      resolve: (_root, args, context) =>
        context.writes.updateSpec<Site>(
          'Site',
          args.namespace,
          args.name,
          (spec, current) => {
            if (args.resourceVersion && args.resourceVersion !== current.metadata.resourceVersion) {
              throw new Conflict('the site changed since you read it; read it again and retry');
            }
            return { ...withoutNulls(args.spec), lifecycle: spec.lifecycle };
          },
          labels,
        ),
    }),
    drainSite: t.field({
      type: SiteRef,
      authScopes: RESPONDER,
      errors: { types: MUTATION_ERRORS },
      description: 'Takes a site out of service: no new rollouts, no new content; streams finish.',
      args: siteArgs,
      resolve: (_root, args, context) =>
        context.writes.updateSpec<Site>('Site', args.namespace, args.name, lifecycle('Draining')),
    }),
    decommissionSite: t.field({
      type: SiteRef,
      authScopes: OPERATOR,
      errors: { types: MUTATION_ERRORS },
      description: 'Retires a site: its credentials are revoked and its agent may no longer call in.',
      args: siteArgs,
      resolve: (_root, args, context) =>
        context.writes.updateSpec<Site>('Site', args.namespace, args.name, lifecycle('Decommissioned')),
    }),
    placeContent: setPlacement(true),
    unplaceContent: setPlacement(false),
  };
});
