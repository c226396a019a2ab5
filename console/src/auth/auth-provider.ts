/**
 * react-admin's AuthProvider for the fleet's two kinds of caller. Staff sign in through OIDC
 * (oidc.ts: the browser goes to the provider and comes back with a code, which main.tsx trades
 * for a token before the app renders); partners paste their API key, which is tried against
 * the API (their own tenant is the answer) before it is kept. A 401 from the API signs the user
 * out; a 403 leaves them signed in with the refusal shown.
 */
import type { AuthProvider } from 'react-admin';
import { ApiError, type GraphqlClient } from '../graphql/client.ts';
import { authorizationUrl, discoverEndpoints } from './oidc.ts';
import { isExpired, roleOf, type SessionStorage, type SessionStore } from './session.ts';

export interface AuthOptions {
  sessions: SessionStorage;
  /** Where the OIDC verifier waits during the redirect (sessionStorage). */
  storage: SessionStore;
  client: GraphqlClient;
  issuer: string;
  clientId: string;
  /** The page the provider sends the browser back to (the console's own URL). */
  redirectUri: string;
  navigate(url: string): void;
  /** Forget what the last caller could see (cached cursors and queries). */
  onSignOut(): void;
}

const API_KEY = /^sfk_[A-Za-z0-9_-]{8,200}$/;

export type LoginParams = { kind: 'staff' } | { kind: 'partner'; apiKey: string };

export function fleetAuthProvider(options: AuthOptions): AuthProvider {
  const signOut = () => {
    options.sessions.clear();
    options.onSignOut();
  };
  return {
    async login(params: LoginParams) {
      if (params.kind === 'staff') {
        const endpoints = await discoverEndpoints(options.issuer);
        options.navigate(
          await authorizationUrl({
            endpoints,
            clientId: options.clientId,
            redirectUri: options.redirectUri,
            storage: options.storage,
          }),
        );
        return new Promise<never>(() => {}); // the page is leaving for the provider
      }
      const apiKey = params.apiKey.trim();
      if (!API_KEY.test(apiKey)) {
        throw new Error('app.login.bad_key_format');
      }
      // Kept only once the API accepts it: the key's tenant is the one tenant it can read.
      options.sessions.write({ kind: 'partner', apiKey, tenant: '', tenantName: '' });
      try {
        const answer = await options.client.run<{
          tenants: { edges: { node: { name: string; spec: { displayName: string } } }[] };
        }>('PartnerTenant');
        const tenant = answer.tenants.edges[0]?.node;
        options.sessions.write({
          kind: 'partner',
          apiKey,
          tenant: tenant?.name ?? '',
          tenantName: tenant?.spec.displayName ?? '',
        });
      } catch (error) {
        signOut();
        throw error instanceof ApiError && error.status === 401 ? new Error('app.login.key_refused') : error;
      }
      return undefined;
    },
    async logout() {
      signOut();
      return undefined;
    },
    async checkAuth() {
      const session = options.sessions.read();
      if (!session || isExpired(session)) {
        signOut();
        throw new Error('app.login.session_ended');
      }
    },
    async checkError(error: { status?: number }) {
      if (error?.status === 401) {
        signOut();
        throw new Error('app.login.session_ended');
      }
    },
    async getPermissions() {
      const session = options.sessions.read();
      return session ? roleOf(session) : undefined;
    },
    async getIdentity() {
      const session = options.sessions.read();
      if (!session) {
        throw new Error('app.login.session_ended');
      }
      return session.kind === 'staff'
        ? { id: session.subject, fullName: `${session.subject} · ${session.role}` }
        : { id: session.tenant || 'partner', fullName: `${session.tenantName || session.tenant} · partner` };
    },
  };
}
