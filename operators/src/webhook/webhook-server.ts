/**
 * Serves the admission webhook over TLS and registers it with the API server as a
 * ValidatingWebhookConfiguration for every fleet kind (failurePolicy Fail: if the webhook is
 * down, fleet writes wait rather than slip past the rules).
 */
import { createServer, type Server } from 'node:https';
import { AdmissionregistrationV1Api } from '@kubernetes/client-node';
import { apiStatusCode, type HubClient, makeServingCert } from '@smart-fleet/hub';
import { ALL_KINDS, API_GROUP, API_VERSION } from '@smart-fleet/model';
import type { Logger } from '../runtime/log.ts';
import { type AdmissionRequest, review } from './admission.ts';

export const WEBHOOK_NAME = `validate.${API_GROUP}`;
const MAX_BODY = 3 * 1024 * 1024;

export interface WebhookOptions {
  client: HubClient;
  log: Logger;
  port?: number;
  /** Registration name; tests use their own so they do not disturb each other. */
  configurationName?: string;
  /** Only namespaces with these labels are checked (tests); all when absent. */
  namespaceLabels?: Record<string, string>;
}

export interface Webhook {
  url: string;
  stop(options?: { deregister?: boolean }): Promise<void>;
}

function serve(log: Logger, port: number, tls: { cert: Buffer; key: Buffer }): Promise<Server> {
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
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(server)));
}

/** Removes a registration left by a process that is gone (its URL would refuse every write). */
export async function deregisterWebhook(client: HubClient, name = WEBHOOK_NAME): Promise<void> {
  const api = client.kc.makeApiClient(AdmissionregistrationV1Api);
  await api.deleteValidatingWebhookConfiguration({ name }).catch((error: unknown) => {
    if (apiStatusCode(error) !== 404) {
      throw error;
    }
  });
}

export async function startWebhook(o: WebhookOptions): Promise<Webhook> {
  const tls = await makeServingCert('smart-fleet-webhook');
  const server = await serve(o.log, o.port ?? 0, tls);
  const address = server.address();
  const url = `https://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/validate`;
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
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
