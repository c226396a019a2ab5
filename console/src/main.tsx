/**
 * Start-up: read config.json, finish an OIDC sign-in if this page load is the provider's
 * redirect back, then render the app. A config or sign-in failure is shown on the page in both
 * languages with what to do, never as a blank screen. A signed-in page load starts fetching the
 * code of the page it opens first, alongside all that (chunks/preload-route.ts).
 */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App, ROUTE_CHUNKS } from './app.tsx';
import { completeSignIn, discoverEndpoints, isCallback } from './auth/oidc.ts';
import { sessionStore, staffSessionOf } from './auth/session.ts';
import { preloadRoute } from './chunks/preload-route.ts';
import { loadRuntimeConfig } from './config/runtime-config.ts';
import { fleetDataProvider } from './data/data-provider.ts';
import { graphqlClient } from './graphql/client.ts';

const root = createRoot(document.getElementById('root') as HTMLElement);

function showProblem(message: string) {
  root.render(
    <main
      style={{ fontFamily: 'system-ui, sans-serif', maxWidth: 640, margin: '3rem auto', padding: '0 1rem' }}
    >
      <h1>SMART Fleet</h1>
      <p role="alert">{message}</p>
      <p>
        <a href={window.location.pathname}>다시 시도 · Try again</a>
      </p>
    </main>,
  );
}

async function start() {
  // The console's own URL without query or fragment: where the sign-in provider sends us back.
  const base = `${window.location.origin}${window.location.pathname}`;
  const sessions = sessionStore(window.sessionStorage);
  if (sessions.read() || isCallback(window.location.search)) {
    preloadRoute(window.location.hash, ROUTE_CHUNKS); // not for the sign-in page: it needs none of them
  }
  const config = await loadRuntimeConfig(base);
  if (isCallback(window.location.search)) {
    const endpoints = await discoverEndpoints(config.oidcIssuer);
    const token = await completeSignIn({
      search: window.location.search,
      endpoints,
      clientId: config.oidcClientId,
      storage: window.sessionStorage,
    });
    sessions.write(staffSessionOf(token));
    window.history.replaceState(null, '', `${window.location.pathname}#/`);
  }
  const apiUrl = new URL(config.apiUrl, base).toString();
  const client = graphqlClient({ apiUrl, session: () => sessions.read() });
  const dataProvider = fleetDataProvider(client, () => sessions.read());
  root.render(
    <StrictMode>
      <App services={{ config, sessions, client, dataProvider, apiUrl }} redirectUri={base} />
    </StrictMode>,
  );
}

start().catch((error: unknown) => {
  showProblem(`콘솔을 시작하지 못했습니다 · The console could not start: ${(error as Error).message}`);
});
