/**
 * FleetMap, loaded when a page first shows it: maplibre (1.1 MB), its worker (0.5 MB) and the
 * provinces are a chunk of their own, so the site list and every other page without a map never
 * download or evaluate them. Until the chunk is in, a box of the map's size holds its place; a
 * chunk that fails to load says so where the map would be, and the rest of the page stays usable.
 */
import { Box, Typography } from '@mui/material';
import { useTranslate } from 'react-admin';
import { deferred, type PlaceholderProps } from '../chunks/deferred.tsx';
import type { FleetMapProps } from './fleet-map.tsx';

function MapPlaceholder({ failed, height }: FleetMapProps & PlaceholderProps) {
  const translate = useTranslate();
  if (failed) {
    return (
      <Typography role="alert" sx={{ p: 2 }}>
        {translate('app.map.unavailable')}
      </Typography>
    );
  }
  return <Box aria-busy="true" sx={{ height: height ?? 480, borderRadius: 1, bgcolor: '#d7e6f2' }} />;
}

export const LazyFleetMap = deferred<FleetMapProps>(
  async () => (await import('./fleet-map.tsx')).FleetMap,
  MapPlaceholder,
);
