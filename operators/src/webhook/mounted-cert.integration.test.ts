/**
 * The webhook as the hub stack runs it: serving the certificate mounted from its TLS Secret
 * (written here the way the kubelet writes a Secret volume: files behind a `..data` symlink,
 * swapped atomically on renewal), and leaving admission configuration alone.
 */
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { lstatSync, mkdirSync, mkdtempSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { connect as tlsConnect } from 'node:tls';
import { AdmissionregistrationV1Api } from '@kubernetes/client-node';
import { makeServingCert, type ServingCert } from '@smart-fleet/hub';
import type { Logger } from '@smart-fleet/kube';
import { waitFor } from '@smart-fleet/kube';
import { API_GROUP, API_VERSION } from '@smart-fleet/model';
import { type TestHub, testHub, uniqueNamespace } from '../../../test/support/test-hub.ts';
import { startWebhook, type Webhook } from './webhook-server.ts';

let generation = 0;
/** Publishes files into `dir` as the kubelet's atomic writer does for a Secret volume. */
function publish(dir: string, files: Record<string, Buffer>): void {
  const version = `..${Date.now()}_${generation++}`;
  mkdirSync(join(dir, version));
  for (const [name, content] of Object.entries(files)) {
    writeFileSync(join(dir, version, name), content);
  }
  symlinkSync(version, join(dir, '..data_tmp'));
  renameSync(join(dir, '..data_tmp'), join(dir, '..data'));
  for (const name of Object.keys(files)) {
    try {
      lstatSync(join(dir, name));
    } catch {
      symlinkSync(join('..data', name), join(dir, name));
    }
  }
}

/** The certificate a TLS client trusting only `ca` is served, or why the handshake failed. */
function servedTo(port: number, ca: Buffer): Promise<{ fingerprint?: string; error?: string }> {
  return new Promise((resolve) => {
    const socket = tlsConnect({ host: '127.0.0.1', port, ca, servername: 'localhost' }, () => {
      resolve({ fingerprint: socket.getPeerCertificate().fingerprint256 });
      socket.end();
    });
    socket.on('error', (error) => resolve({ error: error.message }));
  });
}

function admissionReview(port: number, ca: Buffer, review: unknown): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path: '/validate', method: 'POST', ca, servername: 'localhost' },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve(JSON.parse(Buffer.concat(chunks).toString()) as Record<string, unknown>));
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify(review));
  });
}

const fingerprint = (cert: ServingCert) => new X509Certificate(cert.cert).fingerprint256;

describe('the admission webhook serving a mounted certificate', () => {
  let hub: TestHub;
  let webhook: Webhook;
  let port = 0;
  let first: ServingCert;
  let second: ServingCert;
  const dir = mkdtempSync(join(tmpdir(), 'webhook-tls-'));
  const configurationName = `test-${uniqueNamespace('mounted')}`;
  const logged: string[] = [];
  const log: Logger = {
    info: (message) => logged.push(message),
    error: (message) => logged.push(message),
    child: () => log,
  };

  before(async () => {
    hub = await testHub();
    [first, second] = await Promise.all([
      makeServingCert('smart-fleet-webhook-first'),
      makeServingCert('smart-fleet-webhook-second'),
    ]);
    publish(dir, { 'tls.crt': first.cert, 'tls.key': first.key, 'ca.crt': first.ca });
    webhook = await startWebhook({
      client: hub.client,
      log,
      host: '0.0.0.0',
      certDir: dir,
      certPollMs: 100,
      configurationName,
    });
    port = Number(new URL(webhook.url).port);
  });

  after(async () => {
    await webhook?.stop({ deregister: true });
  });

  it('serves the mounted certificate to a client trusting its CA, and answers AdmissionReviews', async () => {
    assert.deepEqual(await servedTo(port, first.ca), { fingerprint: fingerprint(first) });
    const review = await admissionReview(port, first.ca, {
      apiVersion: 'admission.k8s.io/v1',
      kind: 'AdmissionReview',
      request: {
        uid: 'mounted-1',
        kind: { group: API_GROUP, version: API_VERSION, kind: 'Rollout' },
        operation: 'CREATE',
        object: {
          metadata: { name: 'everything' },
          spec: {
            release: 'r1',
            selector: {},
            waves: [{ name: 'all', percent: 100, maxUnavailable: 10 }],
            healthGate: { bakeSeconds: 60 },
          },
        },
      },
    });
    const response = review.response as { uid: string; allowed: boolean; status?: { message: string } };
    assert.equal(response.uid, 'mounted-1');
    assert.equal(response.allowed, false);
    assert.match(response.status?.message ?? '', /spec\.selector: selects every site/);
  });

  it('registers nothing with the API server (the stack declares the registration)', async () => {
    const api = hub.client.kc.makeApiClient(AdmissionregistrationV1Api);
    const items = (await api.listValidatingWebhookConfiguration()).items;
    const names = items.map((i) => i.metadata?.name);
    assert.ok(!names.includes(configurationName), `${configurationName} was registered`);
    const pointingHere = items.filter((i) =>
      (i.webhooks ?? []).some((w) => w.clientConfig?.url?.includes(`:${port}/`)),
    );
    assert.deepEqual(
      pointingHere.map((i) => i.metadata?.name),
      [],
      'a registration points at this webhook',
    );
    assert.ok(!logged.includes('admission webhook registered'));
  });

  it('serves a renewed certificate once the Secret volume is swapped, without a restart', async () => {
    publish(dir, { 'tls.crt': second.cert, 'tls.key': second.key, 'ca.crt': second.ca });
    await waitFor(async () => (await servedTo(port, second.ca)).fingerprint === fingerprint(second), {
      what: 'the renewed certificate served',
      timeoutMs: 10000,
      intervalMs: 100,
    });
    const stale = await servedTo(port, first.ca);
    assert.ok(stale.error, 'a client trusting only the old CA still accepted the server');
  });

  it('keeps serving the current certificate while the files hold a mismatched pair', async () => {
    publish(dir, { 'tls.crt': first.cert, 'tls.key': second.key, 'ca.crt': first.ca });
    await waitFor(async () => logged.includes('webhook certificate not reloaded; serving the previous one'), {
      what: 'the mismatched pair noticed',
      timeoutMs: 10000,
      intervalMs: 50,
    });
    assert.deepEqual(await servedTo(port, second.ca), { fingerprint: fingerprint(second) });
  });
});
