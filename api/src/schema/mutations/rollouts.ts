/** Releases and rollouts: create a release, start a rollout of it, and steer the rollout. */
import { type Rollout, RolloutSpec, type SiteRelease, SiteReleaseSpec } from '@smart-fleet/model';
import { Conflict } from '../../writes/write-errors.ts';
import { builder } from '../builder.ts';
import { modelInputType, withoutNulls } from '../model-types.ts';
import { ReleaseRef, RolloutRef } from '../refs.ts';
import { MUTATION_ERRORS } from '../types/errors.ts';
import { OPERATOR } from '../types/scopes.ts';

const FINISHED = new Set(['Succeeded', 'Failed', 'RolledBack', 'Aborted']);

/** A spec change for a rollout that is still running; a finished one refuses it. */
const steer =
  (verb: string, change: Record<string, boolean>) =>
  (spec: Record<string, unknown>, current: { status?: unknown }) => {
    const phase = (current.status as { phase?: string } | undefined)?.phase ?? 'Pending';
    if (FINISHED.has(phase)) {
      throw new Conflict(`the rollout is ${phase}; there is nothing to ${verb}`);
    }
    return { ...spec, ...change };
  };

builder.mutationFields((t) => {
  const args = { namespace: t.arg.string({ required: true }), name: t.arg.string({ required: true }) };
  const steering = (verb: string, description: string, change: Record<string, boolean>) =>
    t.field({
      type: RolloutRef,
      authScopes: OPERATOR,
      errors: { types: MUTATION_ERRORS },
      description,
      args,
      resolve: (_root, a, context) =>
        context.writes.updateSpec<Rollout>('Rollout', a.namespace, a.name, steer(verb, change)),
    });
  return {
    createRelease: t.field({
      type: ReleaseRef,
      authScopes: OPERATOR,
      errors: { types: MUTATION_ERRORS },
      description: 'Adds a release (a versioned bundle of site services) that rollouts can move.',
      args: {
        ...args,
        spec: t.arg({ type: modelInputType(SiteReleaseSpec, 'SiteReleaseSpecInput'), required: true }),
      },
      resolve: (_root, a, context) =>
        context.writes.create<SiteRelease>('SiteRelease', a.namespace, a.name, withoutNulls(a.spec)),
    }),
    startRollout: t.field({
      type: RolloutRef,
      authScopes: OPERATOR,
      errors: { types: MUTATION_ERRORS },
      description: 'Starts moving a release across the selected sites: canaries first, then the waves.',
      args: {
        ...args,
        spec: t.arg({ type: modelInputType(RolloutSpec, 'RolloutSpecInput'), required: true }),
      },
      resolve: (_root, a, context) =>
        context.writes.create<Rollout>('Rollout', a.namespace, a.name, withoutNulls(a.spec)),
    }),
    pauseRollout: steering('pause', 'Holds the rollout where it is; sites already updated stay updated.', {
      paused: true,
    }),
    resumeRollout: steering('resume', 'Lets a paused rollout go on.', { paused: false }),
    abortRollout: steering('abort', 'Stops the rollout and rolls its sites back to the previous release.', {
      abort: true,
    }),
  };
});
