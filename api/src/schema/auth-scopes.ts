/**
 * The scopes every `authScopes` in the schema is written in, worked out once per request from
 * the caller. A type or field passes when any scope it names is true (`$all` for "both").
 */
import type { PartnerScope } from '../auth/principal.ts';
import type { ApiContext } from '../context.ts';

export function authScopes(context: ApiContext) {
  const p = context.principal;
  const staff = p.kind === 'staff';
  return {
    staff,
    operator: staff && p.role === 'operator',
    responder: staff,
    partner: p.kind === 'partner',
    partnerScope: (scope: PartnerScope) => p.kind === 'partner' && p.scopes.has(scope),
    tenant: (tenant: string) => staff || (p.kind === 'partner' && p.tenant === tenant),
  };
}
