/**
 * RBAC checks against the real API server, with SubjectAccessReviews. A Role or binding just
 * written reaches the authorizer's cache a moment later, so a grant is waited for (bounded) and
 * a refusal is only believed once some grant of the same subject has been seen.
 */
import { AuthorizationV1Api, type V1ResourceAttributes } from '@kubernetes/client-node';
import { type KubeClient, waitFor } from '@smart-fleet/kube';

export interface Subject {
  user: string;
  groups?: string[];
}

/** The groups the API server gives a service account's token. */
export function serviceAccount(namespace: string, name: string): Subject {
  return {
    user: `system:serviceaccount:${namespace}:${name}`,
    groups: ['system:serviceaccounts', `system:serviceaccounts:${namespace}`, 'system:authenticated'],
  };
}

export function accessReviews(client: KubeClient) {
  const api = client.kc.makeApiClient(AuthorizationV1Api);
  const allowedNow = async (subject: Subject, attributes: V1ResourceAttributes) =>
    (
      await api.createSubjectAccessReview({
        body: {
          apiVersion: 'authorization.k8s.io/v1',
          kind: 'SubjectAccessReview',
          spec: { user: subject.user, groups: subject.groups, resourceAttributes: attributes },
        },
      })
    ).status?.allowed === true;
  return {
    allowedNow,
    /** True once the authorizer grants it, false if it still refuses after the deadline. */
    eventuallyAllowed: (subject: Subject, attributes: V1ResourceAttributes, timeoutMs = 15000) =>
      waitFor(() => allowedNow(subject, attributes), {
        what: `${subject.user} allowed to ${attributes.verb} ${attributes.resource}`,
        timeoutMs,
        intervalMs: 100,
      }).then(
        () => true,
        () => false,
      ),
  };
}
