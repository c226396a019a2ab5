/**
 * ReleaseAssignment: the release one site should run, as the rollout that moved it decided.
 * Desired state lives here, in a per-site object the rollout controller owns whole (compare
 * Rancher Fleet's BundleDeployment and KubeFleet's bindings), not in the Site's status: losing
 * every status changes nothing a site runs, the Site's spec stays the operator's own, and a
 * rollout moving thousands of sites bumps no Site generation. Named after its Site, owned by it.
 */
import { type Resource, StatusOf } from '../common.ts';
import { AGE_COLUMN, defineKind } from '../kind.ts';
import { ObjectName, type Static, Strict, Timestamp, Type } from '../schema.ts';

export const ReleaseAssignmentSpec = Strict({
  site: ObjectName('The Site this assigns a release to; also the name of this object.'),
  release: ObjectName('The SiteRelease the site should run; its agent pulls it.'),
  rollout: ObjectName('The Rollout that set it.'),
  previousRelease: Type.Optional(
    ObjectName(
      'What the site was assigned, or ran, before the rollout moved it: where a roll-back returns it.',
    ),
  ),
  assignedAt: Timestamp('When the rollout set this release; the progress deadline counts from here.'),
  rolledBackFrom: Type.Optional(
    ObjectName(
      'Set by a roll-back: the release the rollout withdrew. Equal to `release` when the site had nothing to return to and is held on it.',
    ),
  ),
});
export type ReleaseAssignmentSpec = Static<typeof ReleaseAssignmentSpec>;

export const ReleaseAssignmentStatus = StatusOf({});
export type ReleaseAssignmentStatus = Static<typeof ReleaseAssignmentStatus>;

export type ReleaseAssignment = Resource<'ReleaseAssignment', ReleaseAssignmentSpec, ReleaseAssignmentStatus>;

export const releaseAssignmentKind = defineKind({
  kind: 'ReleaseAssignment',
  plural: 'releaseassignments',
  singular: 'releaseassignment',
  shortNames: ['rasg'],
  scope: 'Namespaced',
  description: 'The release one site should run, set by the rollout that moved it.',
  spec: ReleaseAssignmentSpec,
  status: ReleaseAssignmentStatus,
  printerColumns: [
    { name: 'Release', type: 'string', jsonPath: '.spec.release' },
    { name: 'Rollout', type: 'string', jsonPath: '.spec.rollout' },
    { name: 'Previous', type: 'string', jsonPath: '.spec.previousRelease', priority: 1 },
    { name: 'Rolled-Back-From', type: 'string', jsonPath: '.spec.rolledBackFrom', priority: 1 },
    { name: 'Assigned', type: 'date', jsonPath: '.spec.assignedAt' },
    AGE_COLUMN,
  ],
});
