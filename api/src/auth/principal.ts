/**
 * Who is calling. Staff come with an OIDC/JWT bearer token and a role; partners come with an
 * API key bound to one tenant and a set of scopes. Every resolver decides from this alone.
 */
export const STAFF_ROLES = ['operator', 'noc'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

/**
 * What a partner key may do; a key carries a subset. All read, except `entitlements:issue`:
 * signing playback entitlements for its own titles at its own sites (a content provider's
 * storefront, a carrier's set-top box portal).
 */
export const PARTNER_SCOPES = ['sites:read', 'content:read', 'telemetry:read', 'entitlements:issue'] as const;
export type PartnerScope = (typeof PARTNER_SCOPES)[number];

export type Principal =
  | {
      kind: 'staff';
      /** The token's subject. */
      id: string;
      role: StaffRole;
      /** For logs and audit annotations: the token's name or email claim, else the subject. */
      display: string;
      /** When the token expires (ms since the epoch): open subscription streams end then. */
      expiresAt?: number;
    }
  | {
      kind: 'partner';
      /** The API key's id (not its secret). */
      id: string;
      tenant: string;
      scopes: ReadonlySet<PartnerScope>;
      display: string;
    };

/**
 * A request that could not be authenticated; `message` is safe to return to the caller. 401: no
 * or bad credentials; 403: good credentials that grant nothing here (a token without a role);
 * 503: the credentials could not be checked (the identity provider is down).
 */
export class AuthError extends Error {
  readonly status: 401 | 403 | 503;
  constructor(message: string, status: 401 | 403 | 503 = 401) {
    super(message);
    this.name = 'AuthError';
    this.status = status;
  }
}
