/**
 * A site's bootstrap credential: a random token its agent presents once to register, after
 * which the agent gets its own long-lived credential and this Secret is deleted. It expires,
 * it is owned by the Site (deleting the Site deletes it), and its value is never logged: only
 * the Secret's name appears in logs, events and conditions.
 */
import { randomBytes } from 'node:crypto';
import type { V1Secret } from '@kubernetes/client-node';
import { apiStatusCode, type KubeClient } from '@smart-fleet/kube';
import { API_GROUP, GROUP_VERSION, type Site } from '@smart-fleet/model';

export const BOOTSTRAP_SECRET_TYPE = `${API_GROUP}/site-bootstrap`;
export const EXPIRES_ANNOTATION = `${API_GROUP}/expires-at`;
export const SITE_LABEL = `${API_GROUP}/site`;
export const BOOTSTRAP_TTL_MS = 24 * 3600 * 1000;

export function bootstrapSecretName(site: Pick<Site, 'metadata'>): string {
  return `${site.metadata.name}-bootstrap`;
}

/** Where the hub keeps the hash of a registered agent's own token (health/agent-credentials.ts). */
export function agentSecretName(site: Pick<Site, 'metadata'>): string {
  return `${site.metadata.name}-agent`;
}

export interface IssuedCredential {
  secretName: string;
  expiresAt: Date;
  created: boolean;
}

function expiresAt(secret: V1Secret): Date | undefined {
  const value = secret.metadata?.annotations?.[EXPIRES_ANNOTATION];
  return value ? new Date(value) : undefined;
}

/** Ensures an unexpired bootstrap Secret exists for the site; replaces an expired one. */
export async function ensureBootstrapCredential(
  client: KubeClient,
  site: Site,
  now: Date,
): Promise<IssuedCredential> {
  const name = bootstrapSecretName(site);
  const namespace = site.metadata.namespace ?? '';
  try {
    const existing = await client.core.readNamespacedSecret({ name, namespace });
    const expiry = expiresAt(existing);
    if (expiry && expiry > now) {
      return { secretName: name, expiresAt: expiry, created: false };
    }
    await client.core.deleteNamespacedSecret({ name, namespace });
  } catch (error) {
    if (apiStatusCode(error) !== 404) {
      throw error;
    }
  }
  const expires = new Date(now.getTime() + BOOTSTRAP_TTL_MS);
  await client.core.createNamespacedSecret({
    namespace,
    body: {
      metadata: {
        name,
        namespace,
        labels: { [SITE_LABEL]: site.metadata.name },
        annotations: { [EXPIRES_ANNOTATION]: expires.toISOString() },
        ownerReferences: [
          {
            apiVersion: GROUP_VERSION,
            kind: 'Site',
            name: site.metadata.name,
            uid: site.metadata.uid ?? '',
            controller: true,
          },
        ],
      },
      type: BOOTSTRAP_SECRET_TYPE,
      stringData: { token: randomBytes(32).toString('base64url') },
    },
  });
  return { secretName: name, expiresAt: expires, created: true };
}
