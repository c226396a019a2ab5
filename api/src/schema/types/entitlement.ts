/** A signed playback entitlement as its issuer gets it: the token, once, and what it grants. */
import type { IssuedEntitlement } from '../../entitlements/entitlement-grants.ts';
import { builder } from '../builder.ts';
import { ENTITLEMENT_ISSUER } from './scopes.ts';

export const IssuedEntitlementRef = builder.objectRef<IssuedEntitlement>('IssuedEntitlement').implement({
  description:
    'A short-lived token saying that a subscriber may play a title at a site, with these content keys, until expiresAt. The API keeps no copy.',
  authScopes: ENTITLEMENT_ISSUER,
  fields: (t) => ({
    token: t.exposeString('token', {
      description: "The signed JWT: the player sends it to the site's license endpoint as a bearer token.",
    }),
    tokenId: t.exposeString('tokenId', {
      description: "The token's jti: what revoking this one token names.",
    }),
    expiresAt: t.field({ type: 'DateTime', resolve: (e) => e.expiresAt }),
    namespace: t.exposeString('namespace'),
    tenant: t.exposeString('tenant', { description: "The title's owner, as the token's tenant claim." }),
    title: t.exposeString('title'),
    site: t.exposeString('site'),
    subscriber: t.exposeString('subscriber'),
    keyIds: t.exposeStringList('keyIds', {
      description: 'The content keys the holder may be given: every key the title is packaged under.',
    }),
  }),
});
