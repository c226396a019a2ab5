/**
 * Agent credentials. A site agent registers once with its bootstrap token (single use: the
 * bootstrap Secret is deleted, guarded by its resourceVersion so two racing registrations
 * cannot both succeed) and receives its own long-lived token. The hub keeps only that token's
 * SHA-256 in a Secret owned by the Site; heartbeats are checked against it in constant time.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { apiStatusCode, type KubeClient } from '@smart-fleet/kube';
import { API_GROUP, GROUP_VERSION } from '@smart-fleet/model';
import {
  agentSecretName,
  bootstrapSecretName,
  EXPIRES_ANNOTATION,
  SITE_LABEL,
} from '../controllers/bootstrap-credential.ts';

export const AGENT_SECRET_TYPE = `${API_GROUP}/site-agent`;

const sha256 = (value: string) => createHash('sha256').update(value).digest();
const same = (a: Buffer, b: Buffer) => a.length === b.length && timingSafeEqual(a, b);

export class CredentialError extends Error {}

export interface SiteRef {
  namespace: string;
  name: string;
}

export class AgentCredentials {
  readonly #client: KubeClient;
  readonly #hashes = new Map<string, Buffer>();

  constructor(client: KubeClient) {
    this.#client = client;
  }

  /** Exchanges a bootstrap token for the agent's own token; the bootstrap token is spent. */
  async register(site: SiteRef, bootstrapToken: string, now = new Date()): Promise<string> {
    const name = bootstrapSecretName({ metadata: site });
    const secret = await this.#client.core
      .readNamespacedSecret({ name, namespace: site.namespace })
      .catch((e: unknown) => {
        throw apiStatusCode(e) === 404
          ? new CredentialError('no unused bootstrap credential for this site')
          : e;
      });
    const stored = Buffer.from(secret.data?.token ?? '', 'base64');
    const expires = Date.parse(secret.metadata?.annotations?.[EXPIRES_ANNOTATION] ?? '');
    if (!same(stored, Buffer.from(bootstrapToken)) || !(expires > now.getTime())) {
      throw new CredentialError('bootstrap token invalid or expired');
    }
    await this.#client.core
      .deleteNamespacedSecret({
        name,
        namespace: site.namespace,
        body: { preconditions: { resourceVersion: secret.metadata?.resourceVersion } },
      })
      .catch(() => {
        throw new CredentialError('bootstrap token already used');
      });
    const token = randomBytes(32).toString('base64url');
    await this.#storeHash(site, secret.metadata?.ownerReferences?.[0]?.uid ?? '', sha256(token));
    return token;
  }

  async #storeHash(site: SiteRef, siteUid: string, hash: Buffer): Promise<void> {
    const name = agentSecretName({ metadata: site });
    await this.#client.core
      .deleteNamespacedSecret({ name, namespace: site.namespace })
      .catch(() => undefined);
    await this.#client.core.createNamespacedSecret({
      namespace: site.namespace,
      body: {
        metadata: {
          name,
          namespace: site.namespace,
          labels: { [SITE_LABEL]: site.name },
          ownerReferences: [
            { apiVersion: GROUP_VERSION, kind: 'Site', name: site.name, uid: siteUid, controller: true },
          ],
        },
        type: AGENT_SECRET_TYPE,
        data: { 'token-sha256': hash.toString('base64') },
      },
    });
    this.#hashes.set(`${site.namespace}/${site.name}`, hash);
  }

  /** True when `token` is the site's agent token. */
  async verify(site: SiteRef, token: string): Promise<boolean> {
    const key = `${site.namespace}/${site.name}`;
    let hash = this.#hashes.get(key);
    if (!hash) {
      const secret = await this.#client.core
        .readNamespacedSecret({ name: agentSecretName({ metadata: site }), namespace: site.namespace })
        .catch(() => undefined);
      const stored = secret?.data?.['token-sha256'];
      if (!stored) {
        return false;
      }
      hash = Buffer.from(stored, 'base64');
      this.#hashes.set(key, hash);
    }
    return same(hash, sha256(token));
  }
}
