/**
 * Serves the admission webhook over TLS. Two ways to run it:
 * - with a certificate directory (in a cluster: the webhook's kubernetes.io/tls Secret, mounted):
 *   it serves that certificate, reloading it when the files change, and does not touch
 *   admission configuration: the hub stack declares the ValidatingWebhookConfiguration, pointing
 *   at the operators' Service with the CA that signed the certificate;
 * - without one (the local hub, tests): it makes its own certificate under a private CA and
 *   registers itself as a ValidatingWebhookConfiguration for every fleet kind at its loopback
 *   URL.
 * Either way failurePolicy is Fail: if the webhook is down, fleet writes wait rather than slip
 * past the rules.
 */
import { createServer, type Server } from 'node:https';
import { AdmissionregistrationV1Api } from '@kubernetes/client-node';
import { makeServingCert } from '@smart-fleet/hub';
import type { Logger } from '@smart-fleet/kube';
import { apiStatusCode, type KubeClient, LOOPBACK, listensEverywhere, localUrlHost } from '@smart-fleet/kube';
import { ALL_KINDS, API_GROUP, API_VERSION } from '@smart-fleet/model';
import { type AdmissionRequest, review } from './admission.ts';
import { type CertPair, readCertDir, watchCertDir } from './mounted-cert.ts';

export const WEBHOOK_NAME = `validate.${API_GROUP}`;
const MAX_BODY = 3 * 1024 * 1024;

export interface WebhookOptions {
  client: KubeClient;
  log: Logger;
  port?: number;
  /** Listen address; 127.0.0.1 unless told (a pod: 0.0.0.0, for the Service). */
  host?: string;
  /**
   * A directory with tls.crt and tls.key: serve that certificate (reloaded when it changes,
   * checked every `certPollMs`) and leave registration to whoever declared it.
   */
  certDir?: string;
  certPollMs?: number;
  /** Registration name; tests use their own so they do not disturb each other. */
  configurationName?: string;
  /** Only namespaces with these labels are checked (tests); all when absent. */
  namespaceLabels?: Record<string, string>;
}

export interface Webhook {
  url: string;
  stop(options?: { deregister?: boolean }): Promise<void>;
}

function serve(log: Logger, port: number, host: string, tls: CertPair): Promise<Server> {
  const server = createServer(tls, (req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= MAX_BODY) {
        chunks.push(c);
      }
    });
    req.on('end', () => {
      try {
        const body = JSON.parse(Buffer.concat(chunks).toString()) as { request: AdmissionRequest };
        const response = review(body.request);
        if (!response.allowed) {
          log.info('refused', { kind: body.request.kind.kind, name: body.request.object?.metadata?.name });
        }
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response }));
      } catch {
        res.writeHead(400).end('expected an AdmissionReview');
      }
    });
  });
  return new Promise((resolve) => server.listen(port, host, () => resolve(server)));
}

function urlOf(server: Server, host: string): string {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return `https://${localUrlHost(host)}:${port}/validate`;
}

const close = (server: Server) => new Promise((resolve) => server.close(resolve));

/** Removes a registration left by a process that is gone (its URL would refuse every write). */
export async function deregisterWebhook(client: KubeClient, name = WEBHOOK_NAME): Promise<void> {
  const api = client.kc.makeApiClient(AdmissionregistrationV1Api);
  await api.deleteValidatingWebhookConfiguration({ name }).catch((error: unknown) => {
    if (apiStatusCode(error) !== 404) {
      throw error;
    }
  });
}

export function startWebhook(o: WebhookOptions): Promise<Webhook> {
  return o.certDir ? serveMountedCert(o, o.certDir) : serveSelfRegistered(o);
}

/** In a cluster: the mounted certificate, reloaded on change; the registration is the stack's. */
async function serveMountedCert(o: WebhookOptions, dir: string): Promise<Webhook> {
  const pair = readCertDir(dir);
  const host = o.host ?? LOOPBACK;
  const server = await serve(o.log, o.port ?? 0, host, pair);
  const unwatch = watchCertDir(dir, pair, (next) => server.setSecureContext(next), o.log, o.certPollMs);
  const url = urlOf(server, host);
  o.log.info('admission webhook serving the mounted certificate; its registration is declared elsewhere', {
    url,
    dir,
  });
  return {
    url,
    async stop() {
      unwatch();
      await close(server);
    },
  };
}

/** Locally: its own certificate, and a registration at its loopback URL. */
async function serveSelfRegistered(o: WebhookOptions): Promise<Webhook> {
  const host = o.host ?? LOOPBACK;
  if (host !== LOOPBACK && !listensEverywhere(host)) {
    throw new Error(
      `a self-registered webhook is called at https://${LOOPBACK}, so it cannot listen on ${host} alone: give it a certificate directory`,
    );
  }
  const tls = await makeServingCert('smart-fleet-webhook');
  const server = await serve(o.log, o.port ?? 0, host, tls);
  const url = urlOf(server, LOOPBACK);
  const name = o.configurationName ?? WEBHOOK_NAME;
  const api = o.client.kc.makeApiClient(AdmissionregistrationV1Api);
  const body = {
    metadata: { name },
    webhooks: [
      {
        name: WEBHOOK_NAME,
        clientConfig: { url, caBundle: tls.ca.toString('base64') },
        rules: [
          {
            apiGroups: [API_GROUP],
            apiVersions: [API_VERSION],
            operations: ['CREATE', 'UPDATE'],
            resources: ALL_KINDS.map((k) => k.plural),
          },
        ],
        namespaceSelector: o.namespaceLabels ? { matchLabels: o.namespaceLabels } : undefined,
        admissionReviewVersions: ['v1'],
        sideEffects: 'None',
        failurePolicy: 'Fail',
        timeoutSeconds: 5,
      },
    ],
  };
  try {
    const live = await api.readValidatingWebhookConfiguration({ name });
    await api.replaceValidatingWebhookConfiguration({
      name,
      body: { ...body, metadata: { ...body.metadata, resourceVersion: live.metadata?.resourceVersion } },
    });
  } catch (error) {
    if (apiStatusCode(error) !== 404) {
      throw error;
    }
    await api.createValidatingWebhookConfiguration({ body });
  }
  o.log.info('admission webhook registered', { name, url });
  return {
    url,
    async stop(options = {}) {
      if (options.deregister) {
        await api.deleteValidatingWebhookConfiguration({ name }).catch(() => undefined);
      }
      await close(server);
    },
  };
}
