/**
 * The admission webhook's serving certificate, from stack config. The API server calls the
 * webhook through its Service (`<service>.<namespace>.svc`) and trusts it through the
 * registration's caBundle, so the three values must agree: the certificate names that host, is
 * signed by the CA, is still valid, and matches the private key. Each is checked here, so a
 * mismatch stops `pulumi preview` naming the key, instead of every fleet write failing later
 * with a TLS error.
 */
import { createPrivateKey, X509Certificate } from 'node:crypto';
import type * as pulumi from '@pulumi/pulumi';
import { type StackConfig, StackConfigError } from '../lib/config.ts';

export const WEBHOOK_TLS_KEYS = {
  certificate: 'webhook.certificate',
  privateKey: 'webhook.privateKey',
  caCertificate: 'webhook.caCertificate',
} as const;

export interface WebhookTls {
  /** PEM; public. */
  certificate: string;
  /** PEM; the API server's trust anchor for the webhook, public. */
  caCertificate: string;
  privateKey: pulumi.Output<string>;
}

function certificate(config: StackConfig, key: string): X509Certificate {
  const pem = config.string(key);
  try {
    return new X509Certificate(pem);
  } catch {
    throw new StackConfigError(key, 'is not a PEM certificate (-----BEGIN CERTIFICATE----- ...)');
  }
}

/** Reads and cross-checks the webhook's certificate, key and CA for the host `serviceHost`. */
export function readWebhookTls(config: StackConfig, serviceHost: string, now = new Date()): WebhookTls {
  const cert = certificate(config, WEBHOOK_TLS_KEYS.certificate);
  const ca = certificate(config, WEBHOOK_TLS_KEYS.caCertificate);
  if (!cert.verify(ca.publicKey)) {
    throw new StackConfigError(
      WEBHOOK_TLS_KEYS.certificate,
      `is not signed by the CA in smart-fleet:${WEBHOOK_TLS_KEYS.caCertificate}`,
    );
  }
  if (!cert.checkHost(serviceHost, { subject: 'never' })) {
    throw new StackConfigError(
      WEBHOOK_TLS_KEYS.certificate,
      `does not name ${serviceHost} in its subjectAltName: the API server calls the webhook Service by that name`,
    );
  }
  if (new Date(cert.validTo) <= now) {
    throw new StackConfigError(WEBHOOK_TLS_KEYS.certificate, `expired on ${cert.validTo}`);
  }
  const privateKey = config.checkedSecret(WEBHOOK_TLS_KEYS.privateKey, (pem) => {
    try {
      return cert.checkPrivateKey(createPrivateKey(pem))
        ? undefined
        : `does not match the certificate in smart-fleet:${WEBHOOK_TLS_KEYS.certificate}`;
    } catch {
      return 'is not a PEM private key (-----BEGIN PRIVATE KEY----- ...)';
    }
  });
  return {
    certificate: cert.toString(),
    caCertificate: ca.toString(),
    privateKey,
  };
}
