/** Partner API keys as operators see them: never the key itself, which is shown once at creation. */
import { PARTNER_SCOPES } from '../../auth/principal.ts';
import { builder } from '../builder.ts';
import { ApiKeyRef } from '../refs.ts';
import { STAFF } from './scopes.ts';

export const PartnerScopeEnum = builder.enumType('PartnerScope', {
  values: Object.fromEntries(
    PARTNER_SCOPES.map((s) => [s.replace(':', '_').toUpperCase(), { value: s }]),
  ) as Record<string, { value: (typeof PARTNER_SCOPES)[number] }>,
});

ApiKeyRef.implement({
  description: 'A partner API key: its id, owner and scopes. The secret is stored only as a hash.',
  authScopes: STAFF,
  fields: (t) => ({
    keyId: t.exposeString('id'),
    tenant: t.exposeString('tenant'),
    name: t.exposeString('name'),
    scopes: t.field({ type: [PartnerScopeEnum], resolve: (k) => k.scopes }),
    createdBy: t.exposeString('createdBy'),
    createdAt: t.field({ type: 'DateTime', resolve: (k) => k.createdAt }),
  }),
});
