/**
 * The console's live feed: one subscription to site phase changes (every role: a partner's
 * stream carries only its own sites) and, for staff, one to new alerts. Each event refreshes
 * the lists and counts it touches (at most once a second, so a burst of changes across 21,000
 * sites costs one refetch) and is passed to whoever listens (the map recolours a point). After
 * a reconnect everything is refetched: events sent while the stream was down are gone.
 *
 * The list of recent changes is a context of its own: it changes with every event, and only the
 * site page shows it, so the dashboard and its map are not rendered again for each event.
 */
import { useQueryClient } from '@tanstack/react-query';
import {
  createContext,
  type ReactNode,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useRef,
  useState,
} from 'react';
import { useAppServices } from '../app-services.ts';
import { authHeaders, type OperationName, requestBody } from '../graphql/client.ts';
import { type LiveState, subscribe } from './sse-subscription.ts';

export interface SitePhaseEvent {
  at: string;
  from: string;
  to: string;
  site: {
    id: string;
    name: string;
    namespace: string;
    phase: string;
    spec: { location: { region: string; latitude: number; longitude: number } };
  };
}

type Listener = (event: SitePhaseEvent) => void;

interface Live {
  state: LiveState;
  detail?: string;
  /** The same function for the provider's whole life. */
  onSitePhase(listener: Listener): () => void;
}

const LiveContext = createContext<Live>({ state: 'stopped', onSitePhase: () => () => {} });
/** Phase changes seen since the console opened, newest first (at most 200). */
const RecentContext = createContext<readonly SitePhaseEvent[]>([]);
const REFRESH_EVERY_MS = 1000;
const MAX_RECENT = 200;

export function useLive(): Live {
  return useContext(LiveContext);
}

export function useRecentPhaseChanges(): readonly SitePhaseEvent[] {
  return useContext(RecentContext);
}

export function LiveProvider({ children }: { children: ReactNode }) {
  const { sessions, apiUrl } = useAppServices();
  const queryClient = useQueryClient();
  const [state, setState] = useState<{ state: LiveState; detail?: string }>({ state: 'connecting' });
  const [recent, setRecent] = useState<SitePhaseEvent[]>([]);
  const listeners = useRef(new Set<Listener>());
  const session = sessions.read();
  const kind = session?.kind;

  useEffect(() => {
    if (!kind) {
      return;
    }
    let pending: ReturnType<typeof setTimeout> | undefined;
    const stale = new Set<string>();
    const refresh = (...resources: string[]) => {
      for (const r of resources) {
        stale.add(r);
      }
      pending ??= setTimeout(() => {
        pending = undefined;
        const keys = [...stale];
        stale.clear();
        void queryClient.invalidateQueries({ predicate: (q) => keys.includes(String(q.queryKey[0])) });
      }, REFRESH_EVERY_MS);
    };
    let wasDown = false;
    const open = (name: OperationName, onData: (data: Record<string, unknown>) => void) =>
      subscribe({
        url: apiUrl,
        headers: () => {
          const current = sessions.read();
          return current ? authHeaders(current) : undefined;
        },
        body: async () => {
          const current = sessions.read();
          return current ? requestBody(current, name, {}) : '{}';
        },
        onEvent: (payload) => payload.data && onData(payload.data),
        onState: (next, detail) => {
          if (name !== 'SitePhaseChanged') {
            return; // the indicator follows the main feed
          }
          if (next === 'live' && wasDown) {
            void queryClient.invalidateQueries(); // what happened while down was not heard
          }
          wasDown = next === 'reconnecting';
          setState({ state: next, detail });
        },
      });
    const feeds = [
      open('SitePhaseChanged', (data) => {
        const event = data.sitePhaseChanged as SitePhaseEvent;
        setRecent((r) => [event, ...r].slice(0, MAX_RECENT));
        for (const listener of listeners.current) {
          listener(event);
        }
        refresh('sites', 'fleetSummary', 'alerts', 'alertCounts');
      }),
      ...(kind === 'staff' ? [open('AlertRaised', () => refresh('alerts', 'alertCounts'))] : []),
    ];
    return () => {
      clearTimeout(pending);
      for (const feed of feeds) {
        feed.stop();
      }
    };
  }, [kind, apiUrl, sessions, queryClient]);

  const onSitePhase = useCallback((listener: Listener) => {
    listeners.current.add(listener);
    return () => {
      listeners.current.delete(listener);
    };
  }, []);
  const value = useMemo<Live>(() => ({ ...state, onSitePhase }), [state, onSitePhase]);
  return (
    <LiveContext.Provider value={value}>
      <RecentContext.Provider value={recent}>{children}</RecentContext.Provider>
    </LiveContext.Provider>
  );
}
