/**
 * A complete, valid hub stack config for tests, as `pulumi config` would hold it, with the
 * secrets marked: real certificates for the webhook's Service host, a real 32-byte KEK and a
 * real entitlement signing key.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { PROJECT } from '../../lib/config.ts';
import { OPERATORS, serviceHost } from '../names.ts';
import { makeWebhookCertificates } from './webhook-certificates.ts';

export interface HubTestConfig {
  config: Record<string, string>;
  secretKeys: string[];
}

export const TEST_KEK = randomBytes(32).toString('base64');

/** A private ES256 signing JWK, as `npm run api -- entitlement-key --kid KID` prints one. */
export function testSigningKey(kid = 'hub-test-1'): string {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return JSON.stringify({ ...privateKey.export({ format: 'jwk' }), kid, alg: 'ES256' });
}

export const TEST_SIGNING_KEY = testSigningKey();

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
    'entitlements.signingKey': TEST_SIGNING_KEY,
    ...overrides,
  };
  const config = Object.fromEntries(Object.entries(plain).map(([k, v]) => [`${PROJECT}:${k}`, v]));
  const secrets = ['drm.kek', 'webhook.privateKey', 'entitlements.signingKey'];
  return { config, secretKeys: secrets.map((k) => `${PROJECT}:${k}`) };
}
