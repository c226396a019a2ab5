/** The map's key, in HTML (the map itself draws no text): health colours and the saturation scale. */
import { Box, Stack, Typography } from '@mui/material';
import { useTranslate } from 'react-admin';
import { SATURATION_STOPS } from './provinces.ts';
import { HEALTH_COLOURS, HEALTHS } from './site-points.ts';

export function MapLegend() {
  const translate = useTranslate();
  const gradient = SATURATION_STOPS.map(([at, colour]) => `${colour} ${at * 100}%`).join(', ');
  return (
    <Box component="section" aria-label={translate('app.map.legend')} sx={{ mt: 1 }}>
      <Stack
        direction="row"
        sx={{ flexWrap: 'wrap', gap: 2 }}
        component="ul"
        style={{ listStyle: 'none', padding: 0, margin: 0 }}
      >
        {HEALTHS.map((health) => (
          <Stack key={health} direction="row" component="li" sx={{ alignItems: 'center', gap: 0.5 }}>
            <Box
              sx={{ width: 12, height: 12, borderRadius: '50%', bgcolor: HEALTH_COLOURS[health] }}
              aria-hidden
            />
            <Typography variant="body2">{translate(`app.health.${health}`)}</Typography>
          </Stack>
        ))}
      </Stack>
      <Typography variant="body2" sx={{ mt: 1 }}>
        {translate('app.map.saturation')}
      </Typography>
      <Stack direction="row" sx={{ alignItems: 'center', gap: 1 }}>
        <Typography variant="caption">0%</Typography>
        <Box
          sx={{
            height: 10,
            width: 160,
            background: `linear-gradient(to right, ${gradient})`,
            border: '1px solid #888',
          }}
          aria-hidden
        />
        <Typography variant="caption">100%</Typography>
      </Stack>
      <Typography variant="caption" component="p" sx={{ color: 'text.secondary' }}>
        {translate('app.map.cluster')}
      </Typography>
    </Box>
  );
}
