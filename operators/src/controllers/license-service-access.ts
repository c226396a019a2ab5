/**
 * Least privilege for content keys: the license service's ServiceAccount may `get` exactly the
 * key Secrets of its namespace, by name, and nothing else (no list, no watch, no other
 * Secrets). The Role names each Secret as it is made.
 */
import { RbacAuthorizationV1Api, type V1Role } from '@kubernetes/client-node';
import { apiStatusCode, type KubeClient, waitFor } from '@smart-fleet/kube';

export const LICENSE_SERVICE_ACCOUNT = 'drm-license-service';
export const LICENSE_READER_ROLE = 'drm-license-key-reader';

async function upsertRole(api: RbacAuthorizationV1Api, namespace: string, secret: string): Promise<boolean> {
  let live: V1Role | undefined;
  try {
    live = await api.readNamespacedRole({ name: LICENSE_READER_ROLE, namespace });
  } catch (error) {
    if (apiStatusCode(error) !== 404) {
      throw error;
    }
  }
  const names = new Set(live?.rules?.[0]?.resourceNames ?? []);
  if (live && names.has(secret)) {
    return true;
  }
  names.add(secret);
  const body: V1Role = {
    metadata: { name: LICENSE_READER_ROLE, namespace, resourceVersion: live?.metadata?.resourceVersion },
    rules: [{ apiGroups: [''], resources: ['secrets'], verbs: ['get'], resourceNames: [...names].sort() }],
  };
  try {
    await (live
      ? api.replaceNamespacedRole({ name: LICENSE_READER_ROLE, namespace, body })
      : api.createNamespacedRole({ namespace, body }));
    return true;
  } catch (error) {
    if (apiStatusCode(error) === 409) {
      return false; // changed meanwhile: read again
    }
    throw error;
  }
}

async function ensureBinding(api: RbacAuthorizationV1Api, namespace: string): Promise<void> {
  try {
    await api.createNamespacedRoleBinding({
      namespace,
      body: {
        metadata: { name: LICENSE_READER_ROLE, namespace },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: LICENSE_READER_ROLE },
        subjects: [{ kind: 'ServiceAccount', name: LICENSE_SERVICE_ACCOUNT, namespace }],
      },
    });
  } catch (error) {
    if (apiStatusCode(error) !== 409) {
      throw error;
    }
  }
}

export async function grantLicenseService(
  client: KubeClient,
  namespace: string,
  secret: string,
): Promise<void> {
  const api = client.kc.makeApiClient(RbacAuthorizationV1Api);
  await waitFor(() => upsertRole(api, namespace, secret), { what: `role for ${secret}`, timeoutMs: 10000 });
  await ensureBinding(api, namespace);
}
