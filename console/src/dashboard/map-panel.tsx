/** The dashboard's map: every site, the provinces by saturation, the legend, and how many are shown. */
import { Alert, Typography } from '@mui/material';
import { useRedirect, useTranslate } from 'react-admin';
import { LazyFleetMap } from '../map/lazy-fleet-map.tsx';
import { MapLegend } from '../map/map-legend.tsx';
import { useMapSites } from './use-fleet-data.ts';

export function MapPanel({
  saturation,
  expected,
}: {
  saturation?: Record<string, number>;
  expected?: number;
}) {
  const translate = useTranslate();
  const redirect = useRedirect();
  const map = useMapSites();
  if (map.error) {
    return (
      <Alert severity="error" role="alert">
        {translate('app.states.error', { message: map.error.message })}
      </Alert>
    );
  }
  return (
    <>
      {map.isPending && (
        <Typography variant="body2" role="status">
          {translate('app.map.loading', { total: expected?.toLocaleString() ?? '…' })}
        </Typography>
      )}
      <LazyFleetMap
        sites={map.sites}
        version={map.version}
        pending={map.isPending}
        saturation={saturation}
        height={520}
        onOpenSite={(id) => redirect('show', 'sites', id)}
      />
      <Typography variant="body2" sx={{ mt: 0.5 }}>
        {translate('app.map.sites_shown', { count: map.sites.length.toLocaleString() })}
      </Typography>
      <MapLegend />
    </>
  );
}
