export { type DevIssuer, devTokenSigner, startDevIssuer } from './auth/dev-issuer.ts';
export type { PartnerScope, Principal } from './auth/principal.ts';
export type { OidcConfig } from './auth/staff-tokens.ts';
export type { EntitlementSettings } from './entitlements/entitlement-grants.ts';
export * from './local-defaults.ts';
export {
  compileOperations,
  type OperationSource,
  PARTNER_OPERATIONS_FILE,
  type PersistedOperations,
  PersistedOperationsError,
  readOperationSources,
  readPartnerOperations,
} from './persisted-operations.ts';
export { type ApiServer, type ApiServerOptions, startApiServer } from './server.ts';
