/**
 * Least privilege for content keys: the ServiceAccounts that must open a title's keys may `get`
 * exactly the key Secrets of their namespace, by name, and nothing else (no list, no watch, no
 * other Secrets). The Role names each Secret as it is made; its binding names the readers:
 * the license service (it opens a key per license request) and the content packager (it
 * encrypts a title's package under the title's keys).
 */
import {
  RbacAuthorizationV1Api,
  type RbacV1Subject,
  type V1Role,
  type V1RoleBinding,
} from '@kubernetes/client-node';
import { apiStatusCode, type KubeClient, waitFor } from '@smart-fleet/kube';

export const LICENSE_SERVICE_ACCOUNT = 'drm-license-service';
/** The hub identity of a wide-area cluster's content-packaging CronJob (`npm run package -- --library`). */
export const PACKAGER_SERVICE_ACCOUNT = 'content-packager';
export const LICENSE_READER_ROLE = 'drm-license-key-reader';
/** Every ServiceAccount bound to the key reader Role, in the namespace of the keys. */
export const KEY_READER_ACCOUNTS = [LICENSE_SERVICE_ACCOUNT, PACKAGER_SERVICE_ACCOUNT] as const;

const RBAC_GROUP = 'rbac.authorization.k8s.io';

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

const subjectKey = (s: RbacV1Subject) => `${s.kind}/${s.namespace ?? ''}/${s.name}`;

/** Whether a binding names exactly these subjects, in any order. */
function sameSubjects(live: RbacV1Subject[] | undefined, wanted: RbacV1Subject[]): boolean {
  const have = (live ?? []).map(subjectKey).sort();
  const want = wanted.map(subjectKey).sort();
  return have.length === want.length && have.every((k, i) => k === want[i]);
}

/**
 * Creates the binding, or brings an existing one to exactly the readers: a binding an earlier
 * version made for the license service alone gains the packager, and a subject nobody here
 * granted is dropped. Replaced with the resourceVersion read, so a concurrent change (409) is
 * read again rather than overwritten.
 */
async function upsertBinding(api: RbacAuthorizationV1Api, namespace: string): Promise<boolean> {
  let live: V1RoleBinding | undefined;
  try {
    live = await api.readNamespacedRoleBinding({ name: LICENSE_READER_ROLE, namespace });
  } catch (error) {
    if (apiStatusCode(error) !== 404) {
      throw error;
    }
  }
  const subjects = KEY_READER_ACCOUNTS.map((name) => ({ kind: 'ServiceAccount', name, namespace }));
  if (live && sameSubjects(live.subjects, subjects)) {
    return true;
  }
  const roleRef = { apiGroup: RBAC_GROUP, kind: 'Role', name: LICENSE_READER_ROLE };
  if (live && (live.roleRef.kind !== roleRef.kind || live.roleRef.name !== roleRef.name)) {
    // roleRef is immutable: only deleting the binding (then the next key write makes it) fixes it.
    throw new Error(
      `RoleBinding ${namespace}/${LICENSE_READER_ROLE} grants ${live.roleRef.kind} ${live.roleRef.name}, not Role ${LICENSE_READER_ROLE}: delete it and the operators make it again`,
    );
  }
  try {
    await (live
      ? api.replaceNamespacedRoleBinding({
          name: LICENSE_READER_ROLE,
          namespace,
          body: { ...live, subjects },
        })
      : api.createNamespacedRoleBinding({
          namespace,
          body: { metadata: { name: LICENSE_READER_ROLE, namespace }, roleRef, subjects },
        }));
    return true;
  } catch (error) {
    if (apiStatusCode(error) === 409) {
      return false; // made or changed meanwhile: read again
    }
    throw error;
  }
}

/** Lets the key readers `get` the key Secret `secret` (and the ones named before it). */
export async function grantKeyReaders(client: KubeClient, namespace: string, secret: string): Promise<void> {
  const api = client.kc.makeApiClient(RbacAuthorizationV1Api);
  await waitFor(() => upsertRole(api, namespace, secret), { what: `role for ${secret}`, timeoutMs: 10000 });
  await waitFor(() => upsertBinding(api, namespace), {
    what: `the key readers' binding in ${namespace}`,
    timeoutMs: 10000,
  });
}
