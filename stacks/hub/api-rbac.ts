/**
 * What the GraphQL API may do in the hub, derived from its code (api/src): read every fleet kind
 * (view/fleet-view.ts runs an informer per kind, all namespaces), write the objects its
 * mutations write in the fleet namespaces (writes/hub-writes.ts: create, and merge patches of
 * spec or annotations), and keep partner API keys as Secrets in their own namespace
 * (auth/api-keys.ts: list + watch with a label selector, create, delete). It never reads fleet
 * Secrets (site credentials, DRM keys): those live in other namespaces.
 */
import type * as k8s from '@pulumi/kubernetes';
import { ALL_KINDS, API_GROUP } from '@smart-fleet/model';

type PolicyRule = k8s.types.input.rbac.v1.PolicyRule;

const plurals = (...kinds: string[]) =>
  kinds.map((kind) => {
    const found = ALL_KINDS.find((k) => k.kind === kind);
    if (!found) {
      throw new Error(`${kind} is not a fleet kind`);
    }
    return found.plural;
  });

export const API_CLUSTER_RULES: PolicyRule[] = [
  { apiGroups: [API_GROUP], resources: ALL_KINDS.map((k) => k.plural), verbs: ['list', 'watch'] },
];

export const API_FLEET_NAMESPACE_RULES: PolicyRule[] = [
  // schema/mutations/sites.ts and rollouts.ts: registerSite, createSiteRelease, startRollout.
  { apiGroups: [API_GROUP], resources: plurals('Site', 'SiteRelease', 'Rollout'), verbs: ['create'] },
  // updateSpec (sites, rollouts) and annotate (content pins on sites; alert acknowledgements on
  // sites, rollouts and wide-area clusters: view/alerts.ts's sources).
  { apiGroups: [API_GROUP], resources: plurals('Site', 'Rollout', 'WideAreaCluster'), verbs: ['patch'] },
];

export const API_KEYS_RULES: PolicyRule[] = [
  { apiGroups: [''], resources: ['secrets'], verbs: ['list', 'watch', 'create', 'delete'] },
];
