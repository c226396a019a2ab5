/** Acknowledging alerts (operators and NOC) and managing partner API keys (operators). */
import { PARTNER_SCOPES, type PartnerScope } from '../../auth/principal.ts';
import { ACK_ANNOTATION, type Alert, acknowledgementsOf, parseAlertId } from '../../view/alerts.ts';
import { InvalidInput, NotFound } from '../../writes/write-errors.ts';
import { builder } from '../builder.ts';
import { AlertRef, ApiKeyRef } from '../refs.ts';
import { PartnerScopeEnum } from '../types/api-key.ts';
import { MUTATION_ERRORS } from '../types/errors.ts';
import { OPERATOR, RESPONDER } from '../types/scopes.ts';

const CreatedKey = builder.objectRef<{ key: string; apiKey: unknown }>('CreatedApiKey').implement({
  description: 'A new partner key. `key` is shown only now: it is stored as a hash.',
  authScopes: OPERATOR,
  fields: (t) => ({
    key: t.exposeString('key'),
    apiKey: t.field({ type: ApiKeyRef, resolve: (c) => c.apiKey as never }),
  }),
});

builder.mutationFields((t) => ({
  acknowledgeAlert: t.field({
    type: AlertRef,
    authScopes: RESPONDER,
    errors: { types: MUTATION_ERRORS },
    description: 'Marks an alert as being handled, with who and when; it stays until its cause clears.',
    args: { alertId: t.arg.string({ required: true }) },
    resolve: async (_root, args, context) => {
      const parsed = parseAlertId(args.alertId);
      const current = parsed && context.view.alerts().find((a) => a.id === args.alertId);
      if (!parsed || !current) {
        throw new NotFound('Alert', args.alertId);
      }
      const by = context.principal.display;
      await context.writes.annotate(parsed.kind, parsed.namespace, parsed.name, (annotations) => {
        const acks = acknowledgementsOf(annotations);
        acks[parsed.key] = { by, at: new Date().toISOString() };
        return { [ACK_ANNOTATION]: JSON.stringify(acks) };
      });
      return (
        context.view.alerts().find((a) => a.id === args.alertId) ??
        ({ ...current, acknowledgedBy: by } as Alert)
      );
    },
  }),
  createPartnerApiKey: t.field({
    type: CreatedKey,
    authScopes: OPERATOR,
    errors: { types: MUTATION_ERRORS },
    description: 'Issues an API key for a partner, bound to its tenant and scopes.',
    args: {
      tenant: t.arg.string({ required: true }),
      name: t.arg.string({
        required: true,
        description: 'What the key is for, e.g. "carrier NOC dashboard".',
      }),
      scopes: t.arg({ type: [PartnerScopeEnum], required: true }),
    },
    resolve: async (_root, args, context) => {
      const tenantExists = context.view
        .list<{ metadata: { name: string } }>('Tenant')
        .some((x) => x.metadata.name === args.tenant);
      if (!tenantExists) {
        throw new InvalidInput([{ field: 'tenant', message: `tenant ${args.tenant} does not exist` }]);
      }
      try {
        const created = await context.apiKeys.create({
          tenant: args.tenant,
          name: args.name,
          scopes: args.scopes as PartnerScope[],
          createdBy: context.principal.display,
        });
        return { key: created.key, apiKey: created.record };
      } catch (error) {
        if (error instanceof TypeError) {
          throw new InvalidInput([{ field: fieldOf(error.message), message: error.message }]);
        }
        throw error;
      }
    },
  }),
  revokePartnerApiKey: t.field({
    type: ApiKeyRef,
    authScopes: OPERATOR,
    errors: { types: MUTATION_ERRORS },
    description:
      'Revokes a partner key at once: its next request is refused and its open subscription streams end.',
    args: { keyId: t.arg.string({ required: true }) },
    resolve: async (_root, args, context) => {
      const record = context.apiKeys.get(args.keyId);
      if (!record || !(await context.apiKeys.revoke(args.keyId))) {
        throw new NotFound('ApiKey', args.keyId);
      }
      return record;
    },
  }),
}));

/** The store's TypeErrors start with the field they are about. */
function fieldOf(message: string): string {
  const field = /^(tenant|name|scopes)\b/.exec(message)?.[1];
  return field ?? (PARTNER_SCOPES.some((s) => message.includes(s)) ? 'scopes' : 'input');
}
