/**
 * What every screen uses beside react-admin's own contexts: the runtime config, the signed-in
 * session and the data provider with its extra calls (actions, summaries, map points). Made
 * once at start-up in main.tsx and handed down through one React context.
 */
import { createContext, useContext } from 'react';
import type { SessionStorage } from './auth/session.ts';
import type { RuntimeConfig } from './config/runtime-config.ts';
import type { FleetDataProvider } from './data/data-provider.ts';
import type { GraphqlClient } from './graphql/client.ts';

export interface AppServices {
  config: RuntimeConfig;
  sessions: SessionStorage;
  client: GraphqlClient;
  dataProvider: FleetDataProvider;
  /** The absolute GraphQL URL (subscriptions post to it too). */
  apiUrl: string;
}

export const AppServicesContext = createContext<AppServices | undefined>(undefined);

export function useAppServices(): AppServices {
  const services = useContext(AppServicesContext);
  if (!services) {
    throw new Error('useAppServices outside AppServicesContext');
  }
  return services;
}
