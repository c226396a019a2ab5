/**
 * The map of Korea: maplibre-gl (WebGL) over the inline style, with the sites given, clustered
 * at national zoom. Hovering tells what a point or cluster is, clicking a cluster zooms in and
 * clicking a site opens it; arrow keys and +/- work once the map has focus. The container says
 * when it has drawn and how many sites it holds (data-state, data-sites), which the end-to-end
 * tests and the benchmark wait on.
 *
 * The first sites are drawn as soon as they arrive; later changes (the live feed) at most once a
 * second, since each hands every point to maplibre's worker again. This module is the map's own
 * chunk, with maplibre, its worker and the provinces: pages without a map never load them
 * (LazyFleetMap).
 */
import { Box, Typography } from '@mui/material';
import type { GeoJSONSource, MapGeoJSONFeature, Map as MapLibreMap } from 'maplibre-gl';
import 'maplibre-gl/dist/maplibre-gl.css';
// maplibre finds its worker beside its own module; bundled, it is told where Vite put it.
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import { useEffect, useRef, useState } from 'react';
import { useTranslate } from 'react-admin';
import type { Topology } from 'topojson-specification';
import { createFleetMap } from './create-fleet-map.ts';
import topology from './korea-provinces-2018.topo.json';
import { PROVINCES_SOURCE, SITES_SOURCE } from './map-style.ts';
import { provinceFeatures } from './provinces.ts';
import { type MapSite, sitePoints } from './site-points.ts';

export interface FleetMapProps {
  sites: readonly MapSite[];
  /** Changes whenever `sites` does (the array may be reused). */
  version: number;
  /** While the sites are still being read: nothing is drawn, and the map does not say it has drawn. */
  pending?: boolean;
  /** Region enum -> egress / capacity, for the province fill. */
  saturation?: Readonly<Record<string, number>>;
  clustered?: boolean;
  focus?: { longitude: number; latitude: number; zoom: number };
  height?: number | string;
  onOpenSite?(id: string): void;
}

const UPDATE_EVERY_MS = 1000;
const PROVINCES = provinceFeatures(topology as unknown as Topology).collection;

/** Makes the map once per mount; `ready` once its style has loaded. */
function useMapInstance(
  container: React.RefObject<HTMLDivElement | null>,
  props: FleetMapProps,
  drawnSites: React.RefObject<readonly MapSite[]>,
) {
  const translate = useTranslate();
  const map = useRef<MapLibreMap | undefined>(undefined);
  const [ready, setReady] = useState(false);
  const [failed, setFailed] = useState(false);
  const latest = useRef(props);
  latest.current = props;
  const translateRef = useRef(translate);
  translateRef.current = translate;

  useEffect(() => {
    if (!container.current) {
      return;
    }
    // A point's feature id is its site's place in the list last drawn (site-points.ts).
    const siteOf = (feature: MapGeoJSONFeature) => drawnSites.current[Number(feature.id)];
    const describe = (feature: MapGeoJSONFeature) => {
      const p = feature.properties;
      const t = translateRef.current;
      return p.point_count !== undefined
        ? `${p.point_count} · ${t('app.health.offline')} ${p.offline} · ${t('app.health.degraded')} ${p.degraded}`
        : `${siteOf(feature)?.name ?? ''} · ${t(`app.health.${String(p.health)}`)}`;
    };
    const { clustered = true, focus } = latest.current;
    const instance = createFleetMap(workerUrl, {
      container: container.current,
      provinces: PROVINCES,
      clustered,
      focus,
      describe,
      onOpenSite: (feature) => {
        const site = siteOf(feature);
        if (site) {
          latest.current.onOpenSite?.(site.id);
        }
      },
    });
    if (!instance) {
      setFailed(true);
      return;
    }
    instance.on('load', () => {
      map.current = instance;
      setReady(true);
    });
    return () => {
      instance.remove();
      map.current = undefined;
    };
  }, [container, drawnSites]);
  return { map, ready, failed, latest };
}

/** Hands the sites to the map: the first time at once, then at most once a second; `drawn` once it has. */
function useSitesOnMap({
  map,
  ready,
  latest,
  drawnSites,
  version,
  pending,
}: ReturnType<typeof useMapInstance> &
  Pick<FleetMapProps, 'version' | 'pending'> & { drawnSites: React.RefObject<readonly MapSite[]> }) {
  const [drawn, setDrawn] = useState<{ version: number; count: number } | undefined>();
  const applied = useRef<{ at?: number; timer?: ReturnType<typeof setTimeout> }>({});
  useEffect(() => {
    const instance = map.current;
    if (!ready || !instance || pending) {
      return;
    }
    const apply = () => {
      const source = instance.getSource<GeoJSONSource>(SITES_SOURCE);
      if (!source) {
        return;
      }
      applied.current.at = performance.now();
      const sites = latest.current.sites;
      const { collection } = sitePoints(sites);
      drawnSites.current = sites;
      source.setData(collection);
      instance.once('idle', () => setDrawn({ version, count: collection.features.length }));
    };
    clearTimeout(applied.current.timer);
    const wait =
      applied.current.at === undefined ? 0 : applied.current.at + UPDATE_EVERY_MS - performance.now();
    if (wait <= 0) {
      apply();
    } else {
      applied.current.timer = setTimeout(apply, wait);
    }
  }, [ready, version, pending, map, latest, drawnSites]);
  useEffect(() => () => clearTimeout(applied.current.timer), []);
  return drawn;
}

export function FleetMap(props: FleetMapProps) {
  const translate = useTranslate();
  const container = useRef<HTMLDivElement>(null);
  const drawnSites = useRef<readonly MapSite[]>([]);
  const instance = useMapInstance(container, props, drawnSites);
  const { map, ready, failed } = instance;
  const drawn = useSitesOnMap({ ...instance, drawnSites, version: props.version, pending: props.pending });
  const label = translate('app.map.label', { count: props.sites.length });

  useEffect(() => {
    if (ready) {
      map.current?.getCanvas().setAttribute('aria-label', label);
    }
  }, [ready, label, map]);

  const { saturation } = props;
  useEffect(() => {
    const instance = map.current;
    if (!ready || !instance || !saturation) {
      return;
    }
    for (const feature of PROVINCES.features) {
      instance.setFeatureState(
        { source: PROVINCES_SOURCE, id: feature.id as number },
        { saturation: saturation[feature.properties.region] ?? 0 },
      );
    }
  }, [ready, saturation, map]);

  if (failed) {
    return (
      <Typography role="alert" sx={{ p: 2 }}>
        {translate('app.map.webgl_missing')}
      </Typography>
    );
  }
  return (
    <Box>
      <Box
        ref={container}
        data-testid="fleet-map"
        data-state={drawn && drawn.version === props.version && !props.pending ? 'drawn' : 'drawing'}
        data-sites={drawn?.count ?? 0}
        sx={{
          height: props.height ?? 480,
          width: '100%',
          borderRadius: 1,
          overflow: 'hidden',
          bgcolor: '#d7e6f2',
        }}
      />
      <Typography variant="caption" component="p" sx={{ color: 'text.secondary', mt: 0.5 }}>
        {translate('app.boundaries_attribution')}
      </Typography>
    </Box>
  );
}
