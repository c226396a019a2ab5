/**
 * The hub's entitlement keys as stack config (the hub program), and how a pod that reads them
 * at start is rolled when they change (the hub's and the wide-area clusters'). The API signs
 * playback entitlements with a private key (`entitlements.signingKey`, a secret, mounted into
 * the API's pods from a Secret); every verifier needs the public half: the operators hand it to
 * each site in its bundle (the edges admit sessions with it) and the wide-area clusters' license
 * services take it as their config. The published set is the signing key's public half plus
 * `entitlements.acceptedPublicKeys`, the keys a rotation still needs (the next key, published
 * before the API signs with it; the last one, until the tokens it signed expire). The key's text
 * is checked where the config is read, with the same rules the API loads it by, and never quoted.
 */
import { createHash } from 'node:crypto';
import type * as pulumi from '@pulumi/pulumi';
import { checkedKeySet, type EntitlementKeySet, signingKeyPublicSet } from '@smart-fleet/services';
import { type StackConfig, StackConfigError } from './config.ts';

/** On the pod templates that read the keys at start: a new set rolls them. */
export const ENTITLEMENT_KEYS_ANNOTATION = 'smartfleet.io/entitlement-keys';

/** A published set's digest, for ENTITLEMENT_KEYS_ANNOTATION. */
export const keySetDigest = (published: string) =>
  createHash('sha256').update(published).digest('hex').slice(0, 16);

export const SIGNING_KEY_CONFIG = 'entitlements.signingKey';
export const ACCEPTED_KEYS_CONFIG = 'entitlements.acceptedPublicKeys';

export interface EntitlementKeySettings {
  /** The private JWK, a Pulumi secret. */
  signingKey: pulumi.Output<string>;
  /** What verifiers are given (public keys only), as JSON. */
  published: string;
  /** Changes whenever the published set does: pods that read the keys at start roll with it. */
  digest: string;
}

export function readEntitlementKeys(config: StackConfig): EntitlementKeySettings {
  let signing: EntitlementKeySet = { keys: [] };
  const signingKey = config.checkedSecret(SIGNING_KEY_CONFIG, (text) => {
    try {
      signing = signingKeyPublicSet(text);
      return undefined;
    } catch (error) {
      return `${(error as Error).message}; make one with: npm run api -- entitlement-key --kid hub-1 | pulumi config set --secret smart-fleet:${SIGNING_KEY_CONFIG}`;
    }
  });
  const accepted = config.object<unknown[]>(
    ACCEPTED_KEYS_CONFIG,
    (value) => (Array.isArray(value) ? undefined : 'must be a list of public JWKs'),
    [],
  );
  let published: EntitlementKeySet;
  try {
    published = checkedKeySet({ keys: [...signing.keys, ...accepted] });
  } catch (error) {
    throw new StackConfigError(ACCEPTED_KEYS_CONFIG, `${(error as Error).message} (with the signing key's)`);
  }
  const text = JSON.stringify(published);
  return {
    signingKey,
    published: text,
    digest: keySetDigest(text),
  };
}
