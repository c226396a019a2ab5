/**
 * The dashboard's reads as react-query queries, keyed so the live feed's refreshes reach them
 * (`fleetSummary`, `alertCounts`, `rollouts`): the summary, open alert counts, rollouts in
 * progress, a region's series, and every site's point for the map (read once, in one request,
 * then kept current by the live phase events).
 */
import { useQuery } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { useAppServices } from '../app-services.ts';
import { useLive } from '../live/live-context.tsx';
import { loadMapSites, MapSiteList } from '../map/map-sites.ts';
import type { MapSite } from '../map/site-points.ts';

export interface Count {
  count: number;
}
export interface FleetSummary {
  sites: number;
  activeStreams: number;
  egressMbps: number;
  egressCapacityMbps: number;
  utilization: number;
  saturatedSites: number;
  subscriberCapacity: number;
  generatedAt: string;
  byPhase: ({ phase: string } & Count)[];
  byRegion: {
    region: string;
    sites: number;
    activeStreams: number;
    egressMbps: number;
    egressCapacityMbps: number;
    utilization: number;
    byPhase: ({ phase: string } & Count)[];
  }[];
  byKind: ({ kind: string } & Count)[];
  byRelease: ({ release: string | null } & Count)[];
}

export function useFleetSummary() {
  const { dataProvider } = useAppServices();
  return useQuery({
    queryKey: ['fleetSummary'],
    queryFn: async () =>
      (await dataProvider.run<{ fleetSummary: FleetSummary }>('FleetSummary')).fleetSummary,
  });
}

export function useAlertCounts(enabled: boolean) {
  const { dataProvider } = useAppServices();
  return useQuery({
    queryKey: ['alertCounts'],
    enabled,
    queryFn: async () => {
      const answer =
        await dataProvider.run<Record<'critical' | 'warning' | 'acknowledged', { totalCount: number }>>(
          'AlertCounts',
        );
      return {
        critical: answer.critical.totalCount,
        warning: answer.warning.totalCount,
        acknowledged: answer.acknowledged.totalCount,
      };
    },
  });
}

export interface RolloutRow {
  id: string;
  name: string;
  namespace: string;
  phase: string;
  spec: { release: string; waves: { name: string }[] };
  status?: {
    currentWave?: string | null;
    waves?:
      | {
          name: string;
          state: string;
          sitesTotal: number;
          sitesUpdated: number;
          sitesHealthy: number;
          bakingSince?: string | null;
        }[]
      | null;
  } | null;
}

export function useActiveRollouts(enabled: boolean) {
  const { dataProvider } = useAppServices();
  return useQuery({
    queryKey: ['rollouts', 'active'],
    enabled,
    // Rollout progress is not in the site feed: while any is moving, look again every 5 s.
    refetchInterval: (query) => ((query.state.data?.length ?? 0) > 0 ? 5000 : 30_000),
    queryFn: async () => {
      const { data } = await dataProvider.getList('rollouts', { pagination: { page: 1, perPage: 100 } });
      return (data as unknown as RolloutRow[]).filter(
        (r) => r.phase === 'PROGRESSING' || r.phase === 'PAUSED' || r.phase === 'PENDING',
      );
    },
  });
}

export interface RegionSample {
  at: string;
  activeStreams: number;
  egressMbps: number;
  egressCapacityMbps: number;
  sites: number;
}

export function useRegionSeries(region: string | undefined, enabled: boolean) {
  const { dataProvider } = useAppServices();
  return useQuery({
    queryKey: ['regionSeries', region ?? 'nation'],
    enabled,
    refetchInterval: 60_000,
    queryFn: async () =>
      (await dataProvider.run<{ regionSeries: RegionSample[] }>('RegionSeries', { region: region ?? null }))
        .regionSeries,
  });
}

const NO_SITES: readonly MapSite[] = [];

/** Every site's point, then live: `version` moves whenever a point changes. */
export function useMapSites() {
  const { client, sessions } = useAppServices();
  const { onSitePhase } = useLive();
  const partner = sessions.read()?.kind === 'partner';
  const list = useRef<MapSiteList | undefined>(undefined);
  const [version, setVersion] = useState(0);
  const query = useQuery({
    queryKey: ['mapSites', partner],
    staleTime: Number.POSITIVE_INFINITY,
    queryFn: () => loadMapSites(client),
  });
  useEffect(() => {
    if (query.data) {
      list.current = new MapSiteList([...query.data]); // a copy: events change it in place
      setVersion((v) => v + 1);
    }
  }, [query.data]);
  useEffect(
    () =>
      onSitePhase((event) => {
        const { id, name, spec } = event.site;
        if (list.current?.update({ id, name, phase: event.to, spec })) {
          setVersion((v) => v + 1);
        }
      }),
    [onSitePhase],
  );
  return {
    sites: list.current?.sites ?? NO_SITES,
    version,
    isPending: query.isPending || !list.current,
    error: query.error,
    refetch: query.refetch,
  };
}
