/**
 * The console: react-admin over the fleet's GraphQL API. Resources a role may not use are not
 * registered for it at all (no menu entry, no route), and the API refuses them anyway.
 */
import { Admin, Resource } from 'react-admin';
import { type AppServices, AppServicesContext } from './app-services.ts';
import { fleetAuthProvider } from './auth/auth-provider.ts';
import { LoginPage } from './auth/login-page.tsx';
import { can } from './auth/permissions.ts';
import type { Role } from './auth/session.ts';
import type { RouteChunks } from './chunks/preload-route.ts';
import { Dashboard } from './dashboard/dashboard.tsx';
import { i18nProvider } from './i18n/i18n-provider.ts';
import { FleetLayout } from './layout/fleet-layout.tsx';
import { fleetTheme } from './layout/theme.ts';
import { LiveProvider } from './live/live-context.tsx';
import { LazyFleetMap } from './map/lazy-fleet-map.tsx';
import { alerts } from './resources/alerts/index.ts';
import { clusters } from './resources/clusters/index.ts';
import { content } from './resources/content/index.ts';
import { releases } from './resources/releases/index.ts';
import { rollouts } from './resources/rollouts/index.ts';
import { sites } from './resources/sites/index.ts';
import { tenants } from './resources/tenants/index.ts';

/** What each page loads on demand, for preloading the one being opened (main.tsx). */
export const ROUTE_CHUNKS: RouteChunks = {
  dashboard: [LazyFleetMap],
  resources: { sites, alerts, rollouts, releases, clusters, content, tenants },
};

export function App({ services, redirectUri }: { services: AppServices; redirectUri: string }) {
  const authProvider = fleetAuthProvider({
    sessions: services.sessions,
    storage: window.sessionStorage,
    client: services.client,
    issuer: services.config.oidcIssuer,
    clientId: services.config.oidcClientId,
    redirectUri,
    navigate: (url) => window.location.assign(url),
    onSignOut: () => services.dataProvider.reset(),
  });
  return (
    <AppServicesContext.Provider value={services}>
      <Admin
        title="SMART Fleet"
        dataProvider={services.dataProvider as never}
        authProvider={authProvider}
        i18nProvider={i18nProvider}
        loginPage={LoginPage}
        dashboard={Dashboard}
        layout={(props) => (
          <LiveProvider>
            <FleetLayout {...props} />
          </LiveProvider>
        )}
        theme={fleetTheme}
        requireAuth
        disableTelemetry
      >
        {(role: Role | undefined) => [
          <Resource key="sites" name="sites" {...sites} />,
          ...(can(role, 'readStaffViews')
            ? [
                <Resource key="alerts" name="alerts" {...alerts} />,
                <Resource
                  key="rollouts"
                  name="rollouts"
                  {...rollouts}
                  create={can(role, 'manageRollouts') ? rollouts.create : undefined}
                />,
                <Resource
                  key="releases"
                  name="releases"
                  {...releases}
                  create={can(role, 'createRelease') ? releases.create : undefined}
                />,
                <Resource key="clusters" name="clusters" {...clusters} />,
              ]
            : []),
          <Resource key="content" name="content" {...content} />,
          ...(can(role, 'readStaffViews') ? [<Resource key="tenants" name="tenants" {...tenants} />] : []),
        ]}
      </Admin>
    </AppServicesContext.Provider>
  );
}
