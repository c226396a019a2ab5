/**
 * The map of Korea: maplibre-gl (WebGL) over the inline style, with the sites given, clustered
 * at national zoom. Hovering tells what a point or cluster is, clicking a cluster zooms in and
 * clicking a site opens it; arrow keys and +/- work once the map has focus. The container says
 * when it has drawn and how many sites it holds (data-state, data-sites), which the end-to-end
 * tests and the benchmark wait on. New data is applied at most once a second.
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
  /** Region enum -> egress / capacity, for the province fill. */
  saturation?: Readonly<Record<string, number>>;
  clustered?: boolean;
  focus?: { longitude: number; latitude: number; zoom: number };
  height?: number | string;
  onOpenSite?(id: string): void;
}

const APPLY_EVERY_MS = 1000;
const PROVINCES = provinceFeatures(topology as unknown as Topology).collection;

/** Makes the map once per mount; `ready` once its style has loaded. */
function useMapInstance(container: React.RefObject<HTMLDivElement | null>, props: FleetMapProps) {
  const translate = useTranslate();
  const map = useRef<MapLibreMap | undefined>(undefined);
  const [ready, setReady] = useState(false);
  const [failed, setFailed] = useState(false);
  const latest = useRef(props);
  latest.current = props;
  const translateRef = useRef(translate);
  translateRef.current = translate;

  useEffect(() => {
    let cancelled = false;
    let instance: MapLibreMap | undefined;
    const describe = (feature: MapGeoJSONFeature) => {
      const p = feature.properties;
      const t = translateRef.current;
      return p.point_count !== undefined
        ? `${p.point_count} · ${t('app.health.offline')} ${p.offline} · ${t('app.health.degraded')} ${p.degraded}`
        : `${String(p.name)} · ${t(`app.health.${String(p.health)}`)}`;
    };
    void import('maplibre-gl').then((maplibregl) => {
      if (cancelled || !container.current) {
        return;
      }
      const { clustered = true, focus } = latest.current;
      instance = createFleetMap(maplibregl, workerUrl, {
        container: container.current,
        provinces: PROVINCES,
        clustered,
        focus,
        describe,
        onOpenSite: (id) => latest.current.onOpenSite?.(id),
      });
      if (!instance) {
        setFailed(true);
        return;
      }
      const made = instance;
      made.on('load', () => {
        map.current = made;
        setReady(true);
      });
    });
    return () => {
      cancelled = true;
      instance?.remove();
      map.current = undefined;
    };
  }, [container]);
  return { map, ready, failed, latest };
}

export function FleetMap(props: FleetMapProps) {
  const translate = useTranslate();
  const container = useRef<HTMLDivElement>(null);
  const { map, ready, failed, latest } = useMapInstance(container, props);
  const [drawn, setDrawn] = useState<{ version: number; count: number } | undefined>();
  const label = translate('app.map.label', { count: props.sites.length });

  useEffect(() => {
    if (ready) {
      map.current?.getCanvas().setAttribute('aria-label', label);
    }
  }, [ready, label, map]);

  // Sites: applied now, then at most once a second while they keep changing.
  const applied = useRef<{ at: number; timer?: ReturnType<typeof setTimeout> }>({ at: 0 });
  const { version } = props;
  useEffect(() => {
    const instance = map.current;
    if (!ready || !instance) {
      return;
    }
    const apply = () => {
      const source = instance.getSource<GeoJSONSource>(SITES_SOURCE);
      if (!source) {
        return;
      }
      applied.current.at = Date.now();
      const { collection } = sitePoints(latest.current.sites);
      source.setData(collection);
      instance.once('idle', () => setDrawn({ version, count: collection.features.length }));
    };
    clearTimeout(applied.current.timer);
    applied.current.timer = setTimeout(apply, Math.max(0, applied.current.at + APPLY_EVERY_MS - Date.now()));
  }, [ready, version, map, latest]);

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
        data-state={drawn && drawn.version === props.version ? 'drawn' : 'drawing'}
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
