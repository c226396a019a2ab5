/**
 * The hub identity of the wide-area clusters' content-packaging CronJobs (`npm run package --
 * --library`, services/src/packager/library-run.ts and publish-title.ts), in each fleet
 * namespace, where the titles and their key Secrets live. Its rules are the calls that code
 * makes, and nothing more:
 *
 * - `get` of a ContentTitle by name (its renditions and MPEG-7 description; whether a package is
 *   current). Never listed or watched: the library's ingest folder names the titles.
 * - `patch` of `contenttitles/status`: server-side apply of the packager's own status fields
 *   (kube/src/status.ts, field manager `packager`).
 * - the title's key Secret: not granted here. The operators bind their `drm-license-key-reader`
 *   Role, which names exactly the key Secrets as they are made, to this account too
 *   (operators/src/controllers/license-service-access.ts).
 *
 * No pod in the hub runs as it (the CronJob runs in a wide-area cluster and reaches the hub with
 * a kubeconfig for this account), so no token is mounted anywhere.
 */
import type * as k8s from '@pulumi/kubernetes';
import type * as pulumi from '@pulumi/pulumi';
import { API_GROUP, contentTitleKind } from '@smart-fleet/model';
import { PACKAGER_SERVICE_ACCOUNT } from '@smart-fleet/operators';
import { ServiceAccountAccess } from './service-account-access.ts';

type PolicyRule = k8s.types.input.rbac.v1.PolicyRule;

export const CONTENT_PACKAGER_ROLE = PACKAGER_SERVICE_ACCOUNT;

export const CONTENT_PACKAGER_RULES: PolicyRule[] = [
  { apiGroups: [API_GROUP], resources: [contentTitleKind.plural], verbs: ['get'] },
  {
    apiGroups: [API_GROUP],
    resources: [`${contentTitleKind.plural}/status`],
    verbs: ['patch'],
  },
];

/** The packager's ServiceAccount, Role and RoleBinding in every fleet namespace. */
export function declareContentPackagerAccess(
  fleetNamespaces: readonly string[],
  opts: pulumi.ComponentResourceOptions,
): ServiceAccountAccess[] {
  return fleetNamespaces.map(
    (namespace) =>
      new ServiceAccountAccess(
        `content-packager-${namespace}`,
        {
          name: PACKAGER_SERVICE_ACCOUNT,
          namespace,
          automountToken: false,
          inNamespace: { namespace, roleName: CONTENT_PACKAGER_ROLE, rules: CONTENT_PACKAGER_RULES },
        },
        opts,
      ),
  );
}
