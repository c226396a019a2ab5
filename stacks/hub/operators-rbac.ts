/**
 * What the operators may do in the hub, derived call by call from their code (operators/src),
 * and nothing more. Three scopes:
 *
 * - cluster-wide, read only: the shared informers list and watch every fleet kind across all
 *   namespaces (kube/src/informers.ts: listClusterCustomObject + watch).
 * - in each fleet namespace (a RoleBinding per namespace, so never in kube-system or anywhere
 *   else): the writes the controllers make and the Secrets they own.
 * - in the operators' own namespace: the leader-election Lease, by name.
 *
 * Deliberately absent: admission registration (the stack declares the webhook registration and
 * owns its CA; see operators.ts), list/watch of Secrets (every Secret is read by name), pods,
 * namespaces, and anything cluster-scoped beyond reading fleet kinds.
 */
import type * as k8s from '@pulumi/kubernetes';
import { ALL_KINDS, API_GROUP } from '@smart-fleet/model';
import { LICENSE_READER_ROLE, OPERATORS_LEASE, STATUS_OWNERS } from '@smart-fleet/operators';

type PolicyRule = k8s.types.input.rbac.v1.PolicyRule;

const plural = (kind: string) => {
  const found = ALL_KINDS.find((k) => k.kind === kind);
  if (!found) {
    throw new Error(`${kind} is not a fleet kind`);
  }
  return found.plural;
};

/** Every kind some controller writes a status for. */
const STATUS_WRITTEN = Object.entries(STATUS_OWNERS)
  .filter(([, owners]) => owners.length > 0)
  .map(([kind]) => kind);

/** Bound with a ClusterRoleBinding. */
export const OPERATORS_CLUSTER_RULES: PolicyRule[] = [
  // kube/src/informers.ts: one list+watch per fleet kind, all namespaces.
  { apiGroups: [API_GROUP], resources: ALL_KINDS.map((k) => k.plural), verbs: ['list', 'watch'] },
];

/** A ClusterRole bound by a RoleBinding in each fleet namespace. */
export const OPERATORS_FLEET_NAMESPACE_RULES: PolicyRule[] = [
  // kube/src/finalizers.ts: server-side apply (add) and JSON patch (remove) of metadata.finalizers
  // on Sites (site-admission.ts).
  { apiGroups: [API_GROUP], resources: [plural('Site')], verbs: ['patch'] },
  // controllers/content-placement.ts: server-side apply (create or patch) and orphan deletion;
  // controllers/rollout.ts: server-side apply of each site's ReleaseAssignment.
  {
    apiGroups: [API_GROUP],
    resources: [plural('ContentPlacement')],
    verbs: ['create', 'patch', 'delete'],
  },
  { apiGroups: [API_GROUP], resources: [plural('ReleaseAssignment')], verbs: ['create', 'patch'] },
  // kube/src/status.ts: server-side apply of the status subresource, each controller its own
  // fields (operators/src/status-owners.ts names every kind whose status they write).
  {
    apiGroups: [API_GROUP],
    resources: STATUS_WRITTEN.map((k) => `${plural(k)}/status`),
    verbs: ['patch'],
  },
  // controllers/bootstrap-credential.ts, site-admission.ts, health/agent-credentials.ts,
  // controllers/drm-keys.ts: Secrets read, made, replaced and deleted by name; never listed.
  { apiGroups: [''], resources: ['secrets'], verbs: ['get', 'create', 'update', 'delete'] },
  // kube/src/events.ts.
  { apiGroups: [''], resources: ['events'], verbs: ['create'] },
  // controllers/license-service-access.ts: the Role naming the DRM key Secrets, and its binding
  // to the key readers (license service, content packager), each read, then created or
  // replaced. `create` cannot be limited by name (the name is in the body); get and update are
  // limited to that one Role and its binding.
  { apiGroups: ['rbac.authorization.k8s.io'], resources: ['roles', 'rolebindings'], verbs: ['create'] },
  {
    apiGroups: ['rbac.authorization.k8s.io'],
    resources: ['roles', 'rolebindings'],
    resourceNames: [LICENSE_READER_ROLE],
    verbs: ['get', 'update'],
  },
];

/** A Role in the operators' namespace: kube/src/leader-election.ts. */
export const OPERATORS_LEASE_RULES: PolicyRule[] = [
  { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['create'] },
  {
    apiGroups: ['coordination.k8s.io'],
    resources: ['leases'],
    resourceNames: [OPERATORS_LEASE],
    verbs: ['get', 'update'],
  },
];
