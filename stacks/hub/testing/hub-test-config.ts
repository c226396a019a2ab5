/**
 * A complete, valid hub stack config for tests, as `pulumi config` would hold it, with the
 * secrets marked: real certificates for the webhook's Service host and a real 32-byte KEK.
 */
import { randomBytes } from 'node:crypto';
import { PROJECT } from '../../lib/config.ts';
import { OPERATORS, serviceHost } from '../names.ts';
import { makeWebhookCertificates } from './webhook-certificates.ts';

export interface HubTestConfig {
  config: Record<string, string>;
  secretKeys: string[];
}

export const TEST_KEK = randomBytes(32).toString('base64');

export function hubTestConfig(
  overrides: Record<string, string> = {},
  namespace = overrides.namespace ?? 'smart-fleet-system',
): HubTestConfig {
  const certs = makeWebhookCertificates(serviceHost(OPERATORS.webhookService, namespace));
  const plain: Record<string, string> = {
    program: 'hub',
    namespace,
    kubernetesVersion: '1.20',
    'oidc.issuer': 'https://login.example.com/realms/smart-fleet',
    'oidc.audience': 'smart-fleet-api',
    'ingress.host': 'fleet.example.com',
    'webhook.certificate': certs.certificate,
    'webhook.caCertificate': certs.caCertificate,
    'webhook.privateKey': certs.privateKey,
    'drm.kek': TEST_KEK,
    ...overrides,
  };
  const config = Object.fromEntries(Object.entries(plain).map(([k, v]) => [`${PROJECT}:${k}`, v]));
  return { config, secretKeys: [`${PROJECT}:drm.kek`, `${PROJECT}:webhook.privateKey`] };
}
