/**
 * Who is signed in to this browser tab: a staff member with an OIDC access token (its role read
 * from the token's claims, only to decide what the UI shows: the API checks every request), or a
 * partner with an API key. Kept in sessionStorage, so it ends with the tab and is never shared
 * with other tabs or written to disk.
 */
export const STAFF_ROLES = ['operator', 'noc'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];
export type Role = StaffRole | 'partner';

export type Session =
  | { kind: 'staff'; token: string; role: StaffRole; subject: string; expiresAt: number }
  | { kind: 'partner'; apiKey: string; tenant: string; tenantName: string };

const STORAGE_KEY = 'smart-fleet.session';
/** A JWT is three base64url parts; ours are well under this. */
const MAX_TOKEN_LENGTH = 16_384;

export interface SessionStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

export class TokenError extends Error {
  override name = 'TokenError';
}

function decodeBase64Url(part: string): string {
  const base64 = part.replace(/-/g, '+').replace(/_/g, '/');
  const binary = atob(base64 + '='.repeat((4 - (base64.length % 4)) % 4));
  return new TextDecoder().decode(Uint8Array.from(binary, (c) => c.charCodeAt(0)));
}

/**
 * The staff session a token stands for: its subject, its first staff role (the API's
 * `roles` claim) and its expiry. The signature is not checked here: the API does that on
 * every request, and a forged token gets the browser nothing but refusals.
 */
export function staffSessionOf(token: string, rolesClaim = 'roles'): Session & { kind: 'staff' } {
  const parts = token.split('.');
  if (token.length > MAX_TOKEN_LENGTH || parts.length !== 3) {
    throw new TokenError('the sign-in answer is not a JWT access token');
  }
  let claims: Record<string, unknown>;
  try {
    claims = JSON.parse(decodeBase64Url(parts[1] ?? '')) as Record<string, unknown>;
  } catch {
    throw new TokenError('the access token does not carry readable claims');
  }
  const roles = claims[rolesClaim];
  const role = Array.isArray(roles) ? (STAFF_ROLES.find((r) => roles.includes(r)) ?? undefined) : undefined;
  if (!role) {
    throw new TokenError(
      `the access token has no staff role (${STAFF_ROLES.join(' or ')}) in its ${rolesClaim} claim`,
    );
  }
  if (typeof claims.exp !== 'number') {
    throw new TokenError('the access token has no expiry');
  }
  const subject = typeof claims.email === 'string' ? claims.email : String(claims.sub ?? 'unknown');
  return { kind: 'staff', token, role, subject, expiresAt: claims.exp * 1000 };
}

export function roleOf(session: Session): Role {
  return session.kind === 'staff' ? session.role : 'partner';
}

export function isExpired(session: Session, now = Date.now()): boolean {
  return session.kind === 'staff' && session.expiresAt <= now;
}

export function sessionStore(storage: SessionStore) {
  return {
    read(): Session | undefined {
      const raw = storage.getItem(STORAGE_KEY);
      if (!raw || raw.length > MAX_TOKEN_LENGTH * 2) {
        return undefined;
      }
      try {
        const parsed = JSON.parse(raw) as Session;
        return parsed.kind === 'staff' || parsed.kind === 'partner' ? parsed : undefined;
      } catch {
        return undefined;
      }
    },
    write(session: Session): void {
      storage.setItem(STORAGE_KEY, JSON.stringify(session));
    },
    clear(): void {
      storage.removeItem(STORAGE_KEY);
    },
  };
}
export type SessionStorage = ReturnType<typeof sessionStore>;
