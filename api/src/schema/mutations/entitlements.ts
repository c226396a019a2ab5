/**
 * Issuing playback entitlements: the hub's signed word that a subscriber may play a title at a
 * site, which the site's license proxy and the license service check before handing out keys.
 * Operators issue for any title and site; a partner key with `entitlements:issue` only for
 * titles its tenant owns at sites of its tenant.
 */
import {
  DEFAULT_ENTITLEMENT_TTL_SECONDS,
  grantEntitlement,
  MAX_ISSUED_TTL_SECONDS,
  MIN_ENTITLEMENT_TTL_SECONDS,
} from '../../entitlements/entitlement-grants.ts';
import { NotConfigured } from '../../writes/write-errors.ts';
import { builder } from '../builder.ts';
import { IssuedEntitlementRef } from '../types/entitlement.ts';
import { MUTATION_ERRORS } from '../types/errors.ts';
import { ENTITLEMENT_ISSUER } from '../types/scopes.ts';

builder.mutationFields((t) => ({
  issueEntitlement: t.field({
    type: IssuedEntitlementRef,
    authScopes: ENTITLEMENT_ISSUER,
    errors: { types: [...MUTATION_ERRORS, NotConfigured] },
    description:
      "Signs an entitlement for a subscriber to play a packaged title at a site. Another tenant's title or site is a NotFoundError, as one that does not exist.",
    args: {
      namespace: t.arg.string({ required: true }),
      title: t.arg.string({ required: true, description: 'The ContentTitle (packaged).' }),
      site: t.arg.string({
        required: true,
        description: 'The Site the subscriber plays at (not decommissioned).',
      }),
      subscriber: t.arg.string({
        required: true,
        description: '1 to 128 characters of letters, digits and . _ @ : -',
      }),
      ttlSeconds: t.arg.int({
        required: false,
        description: `How long the token lives: ${MIN_ENTITLEMENT_TTL_SECONDS} to ${MAX_ISSUED_TTL_SECONDS} seconds, ${DEFAULT_ENTITLEMENT_TTL_SECONDS} when absent.`,
      }),
    },
    resolve: (_root, args, context) =>
      grantEntitlement(context.entitlements, context.view, context.principal, args),
  }),
}));
